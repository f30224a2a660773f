"""docker-compose.yml and the Dockerfile, checked without Docker: every service runs a command that exists
in this project, the production environment they set passes Django's deploy checks, and the image
installs what PDFs and translations need."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
APP_SERVICES = sorted(name for name, spec in SERVICES.items() if spec.get("build"))

# What an operator puts in .env (docker-compose.yml's header says so).
DOT_ENV = {
    "SECRET_KEY": "kX9#vQ2$mT7!pL4@wR8^zN3&bY6*cH1(dF5)gJ0-sA_eU+iO=oP[uI]yT{rE}wQ|",
    "ALLOWED_HOSTS": "consign.example.com",
}


def interpolate(value, env):
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} substitution."""

    def replace(match):
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise AssertionError(f"compose needs {name}: {arg}")
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", replace, str(value))


def service_env(name, env=DOT_ENV):
    raw = SERVICES[name].get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: interpolate(value, env) for key, value in raw.items()}


def command_of(name):
    command = SERVICES[name].get("command")
    if command is None:  # the image's CMD
        command = yaml.safe_load(re.findall(r"^CMD (\[.*\])$", DOCKERFILE, re.M)[-1])
    return command.split() if isinstance(command, str) else list(command)


def test_the_stack_has_its_services():
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(SERVICES)
    assert {"web", "worker", "beat"} <= set(APP_SERVICES)


def test_every_dependency_names_a_service():
    for name, spec in SERVICES.items():
        depends = spec.get("depends_on", {})
        assert set(depends) <= set(SERVICES), f"{name} depends on a service that does not exist"


@pytest.mark.parametrize("name", APP_SERVICES, ids=lambda name: f"service-{name}")
def test_each_app_service_runs_something_that_exists(name):
    command = command_of(name)
    program = command[0]
    if program == "gunicorn":
        target = next(arg for arg in command[1:] if not arg.startswith("-") and ":" in arg)
        module_name, attribute = target.split(":")
        application = getattr(importlib.import_module(module_name), attribute)
        assert callable(application), f"{target} is not a WSGI application"
    elif program == "celery":
        app_module = command[command.index("-A") + 1]
        module = importlib.import_module(app_module)
        app = getattr(module, "celery_app", None) or importlib.import_module(f"{app_module}.celery").app
        assert isinstance(app, Celery)
        subcommand = next(arg for arg in command[command.index("-A") + 2:] if not arg.startswith("-"))
        assert subcommand in {"worker", "beat"}
        if "-Q" in command:
            queues = command[command.index("-Q") + 1].split(",")
            assert app.conf.task_default_queue in queues, "the worker must consume the queue tasks go to"
    elif program == "python":
        assert command[1] == "manage.py" and (BASE_DIR / "manage.py").exists()
        assert command[2] in get_commands(), f"no management command {command[2]!r}"
    else:
        pytest.fail(f"{name}: unexpected command {command}")


def test_the_web_server_worker_and_beat_are_all_there():
    programs = {name: command_of(name)[:4] for name in ("web", "worker", "beat")}
    assert programs["web"][0] == "gunicorn"
    assert programs["worker"][:4] == ["celery", "-A", "config", "worker"]
    assert programs["beat"][:4] == ["celery", "-A", "config", "beat"]


@pytest.mark.parametrize("name", APP_SERVICES, ids=lambda name: f"service-{name}")
def test_app_services_use_production_settings_and_the_stack_s_own_database_and_broker(name):
    env = service_env(name)
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert re.search(r"@(\w+):", env["DATABASE_URL"]).group(1) in SERVICES
    assert re.match(r"redis://(\w+):", env["CELERY_BROKER_URL"]).group(1) in SERVICES
    assert env["SECRET_KEY"] == DOT_ENV["SECRET_KEY"]
    assert "consign.example.com" in env["ALLOWED_HOSTS"].split(",")


def test_compose_refuses_to_start_without_a_secret_key():
    with pytest.raises(AssertionError, match="SECRET_KEY"):
        service_env("web", env={"ALLOWED_HOSTS": "consign.example.com"})


def test_the_compose_environment_passes_the_deploy_checks():
    # Only what the container would have (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process).
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **service_env("web")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_installs_the_cjk_font_pango_and_gettext():
    installs = " ".join(re.findall(r"apt-get install[^&]*", DOCKERFILE.replace("\\\n", " ")))
    for package in ("fonts-wqy-microhei", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"):
        assert package in installs, f"the image does not install {package}"


def test_the_image_is_python_3_11_built_from_the_lock_file_with_assets_from_npm():
    assert re.search(r"^FROM python:3\.11-slim\s*$", DOCKERFILE, re.M)
    assert "pip install -r requirements.lock" in DOCKERFILE
    assert "npm ci" in DOCKERFILE and "vendor_assets.sh" in DOCKERFILE
    assert "collectstatic" in DOCKERFILE and "compilemessages" in DOCKERFILE


def test_everything_the_dockerfile_copies_exists():
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, re.M):
        *sources, _destination = line.split()
        for source in sources:
            assert (BASE_DIR / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_the_build_context_leaves_out_local_environments():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", ".git", "db.sqlite3"} <= set(ignored)
