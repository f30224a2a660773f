"""The one hand-written statement of the notifications app (CONVENTIONS.md: raw SQL only where a benchmark
shows it pays on a path a person waits for): `notify_role_many`'s rows for every active holder of a role,
the holders found and every row written by ONE INSERT … SELECT … RETURNING.

benchmarks/notify_role.py measures it against `with_orm` (one SELECT of the holders, one bulk_create) alone
and on the approval of a page of company dispatches, which tells the warehouse staff of each one.
tests/notifications/test_role_insert.py checks that both write the same rows. `with_orm` is also the path of
a database that cannot return rows from an INSERT."""

from django.contrib.auth import get_user_model
from django.db import connection

from .models import DeliveryStatus, Notification


def with_orm(role, stored, *, event, now):
    """[(key, params, link)] × every active holder of `role`: one SELECT, one bulk INSERT (not queued)."""
    holders = list(get_user_model().objects.filter(groups__name=str(role), is_active=True)
                   .order_by("pk").values_list("pk", flat=True).distinct())
    return Notification.objects.bulk_create([
        Notification(recipient_id=user_id, message=key, params=params, link=link, event=event, created_at=now)
        for key, params, link in stored for user_id in holders])


def with_one_statement(role, stored, *, event, now):
    """The same rows as `with_orm`, in the same order (message by message, holders by id), written by one
    INSERT … SELECT … RETURNING. Falls back to `with_orm` where the database cannot return inserted rows."""
    if not connection.features.can_return_columns_from_insert:
        return with_orm(role, stored, event=event, now=now)
    user_model = get_user_model()
    memberships = user_model.groups.through
    group_model = user_model.groups.field.related_model
    qn = connection.ops.quote_name
    user_column = memberships._meta.get_field(user_model._meta.model_name).column
    group_column = memberships._meta.get_field(group_model._meta.model_name).column
    params_field = Notification._meta.get_field("params")
    values = ", ".join([f"(%s, %s, CAST(%s AS {params_field.db_type(connection)}), %s)"] * len(stored))
    sql = (
        f"WITH m (position, message, params, link) AS (VALUES {values}) "
        f"INSERT INTO {qn(Notification._meta.db_table)} ({qn('recipient_id')}, {qn('message')}, {qn('params')}, "
        f"{qn('link')}, {qn('event')}, {qn('created_at')}, {qn('delivery_status')}, {qn('delivery_attempts')}, "
        f"{qn('last_error')}) "
        f"SELECT h.id, m.message, m.params, m.link, %s, %s, %s, 0, '' "
        f"FROM (SELECT DISTINCT u.{qn('id')} AS id FROM {qn(user_model._meta.db_table)} u "
        f"INNER JOIN {qn(memberships._meta.db_table)} r ON r.{qn(user_column)} = u.{qn('id')} "
        f"INNER JOIN {qn(group_model._meta.db_table)} g ON g.{qn('id')} = r.{qn(group_column)} "
        f"WHERE g.{qn('name')} = %s AND u.{qn('is_active')}) h CROSS JOIN m "
        f"ORDER BY m.position, h.id RETURNING {qn('id')}, {qn('recipient_id')}"
    )
    sql_params = []
    for position, (key, params, link) in enumerate(stored):
        sql_params += [position, key, params_field.get_db_prep_value(params, connection), link]
    sql_params += [event, connection.ops.adapt_datetimefield_value(now), str(DeliveryStatus.PENDING), str(role)]
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        returned = sorted(cursor.fetchall())
    # One row per (message, holder), numbered in the INSERT's order (message, then holder): ids ascend
    # with it, so the i-th row by id belongs to message i // holders.
    holders = len(returned) // len(stored)
    created = []
    for i, (pk, recipient_id) in enumerate(returned):
        key, params, link = stored[i // holders]
        row = Notification(pk=pk, recipient_id=recipient_id, message=key, params=params, link=link, event=event,
                           created_at=now)
        row._state.adding = False
        row._state.db = connection.alias
        created.append(row)
    return created
