"""Default grants: each app that introduces permissions declares them in `<app>/grants.py`
(`DEFAULT_GRANTS = {group name: [codename, ...]}`) and grants them in a data migration calling
`grant_default_permissions(apps, "<app>")`, so a later migrate never undoes what an administrator changed.

accounts imports no domain app: an app's grants are read by its label through the app registry, the way
Django's admin finds each app's admin module."""

from importlib import import_module

from django.apps import apps as global_apps


def default_grants(app_label):
    """{group name: [codename, ...]} that the app declares, or {} if it declares none."""
    module_name = f"{global_apps.get_app_config(app_label).name}.grants"
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return {}
    return getattr(module, "DEFAULT_GRANTS", {})


def all_default_grants():
    """{app label: {group name: [codename, ...]}} over every installed app that declares grants."""
    grants = {config.label: default_grants(config.label) for config in global_apps.get_app_configs()}
    return {label: app_grants for label, app_grants in grants.items() if app_grants}


def grant_default_permissions(apps, app_label):
    """For data migrations: make sure the app's permissions exist, then grant the defaults.

    Permissions are normally created after migrate (post_migrate), too late for a data migration, so
    they are created here from the historical models' Meta. A codename whose model does not exist yet
    in the historical state (an earlier migration of the app) is left for the app's later grant
    migration."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_config = apps.get_app_config(app_label)
    by_codename = {}
    for model in app_config.get_models():
        opts = model._meta
        content_type, _created = ContentType.objects.get_or_create(
            app_label=opts.app_label, model=opts.model_name
        )
        wanted = [(f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}")
                  for action in opts.default_permissions]
        wanted += list(opts.permissions)
        for codename, name in wanted:
            perm, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": str(name)[:255]}
            )
            by_codename[codename] = perm
    for role, codenames in default_grants(app_label).items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*(by_codename[c] for c in codenames if c in by_codename))
