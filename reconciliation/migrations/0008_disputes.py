"""Statement disputes: the disputed state, disputed lines with finance's answers, the statement's thread,
adjustment entries (a reason and the entry they correct, either sign); grants (finance answers, the supplier
role confirms or disputes). On SQLite the entry table is rebuilt for its new constraints, which drops its
updated_at trigger: it is installed again last."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

from accounts.grants import grant_default_permissions
from core.updated_at import touch_updated_at


def grant(apps, schema_editor):
    grant_default_permissions(apps, "reconciliation")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0002_roles'),
        ('reconciliation', '0007_entry_updated_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DisputedLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=500, verbose_name='reason')),
                ('raised_at', models.DateTimeField(auto_now_add=True, verbose_name='raised at')),
                ('answer_kind', models.CharField(blank=True, choices=[('adjustment', 'Adjustment'), ('explanation', 'Explanation')], max_length=20, verbose_name='answer')),
                ('answer_text', models.CharField(blank=True, max_length=500, verbose_name='answer text')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
            ],
            options={
                'verbose_name': 'disputed line',
                'verbose_name_plural': 'disputed lines',
                'ordering': ['statement', 'entry__entry_date', 'entry_id'],
                'default_permissions': ('view',),
            },
        ),
        migrations.CreateModel(
            name='StatementMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(verbose_name='message')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
            ],
            options={
                'verbose_name': 'statement message',
                'verbose_name_plural': 'statement messages',
                'ordering': ['created_at', 'id'],
                'default_permissions': ('view',),
            },
        ),
        migrations.AlterModelOptions(
            name='statement',
            options={'ordering': ['-id'], 'permissions': [('build_statement', 'Can build statement'), ('submit_statement', 'Can submit statement'), ('approve_statement', 'Can approve statement'), ('reject_statement', 'Can reject statement'), ('void_statement', 'Can void statement'), ('confirm_statement', 'Can record supplier confirmation of statement'), ('pay_statement', 'Can record payment of statement'), ('answer_dispute', 'Can answer disputed statement lines'), ('supplier_confirm_statement', 'Can confirm own statement (supplier)'), ('dispute_statement', 'Can dispute own statement (supplier)')], 'verbose_name': 'reconciliation statement', 'verbose_name_plural': 'reconciliation statements'},
        ),
        migrations.RemoveConstraint(
            model_name='supplieraccountentry',
            name='supplierentry_sign_follows_kind',
        ),
        migrations.AddField(
            model_name='supplieraccountentry',
            name='corrects',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='reconciliation.supplieraccountentry', verbose_name='corrects'),
        ),
        migrations.AddField(
            model_name='supplieraccountentry',
            name='reason',
            field=models.CharField(blank=True, max_length=255, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='confirmation_method',
            field=models.CharField(blank=True, choices=[('email', 'E-mail'), ('phone', 'Phone'), ('signed_copy', 'Signed copy'), ('chat', 'Chat message'), ('portal', 'Supplier portal'), ('other', 'Other')], max_length=20, verbose_name='confirmed how'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='state',
            field=django_fsm.FSMField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('supplier_confirmed', 'Supplier confirmed'), ('disputed', 'Disputed'), ('partially_paid', 'Partially paid'), ('paid', 'Paid'), ('void', 'Void')], default='draft', max_length=50, protected=True, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='supplieraccountentry',
            name='kind',
            field=models.CharField(choices=[('drop_ship_goods', 'Drop-ship goods'), ('freight', 'Freight'), ('goods_receipt', 'Goods receipt'), ('manufacturer_compensation', 'Manufacturer compensation'), ('charge_back', 'Charge-back'), ('adjustment', 'Adjustment')], max_length=30, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='supplieraccountentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['drop_ship_goods', 'freight', 'goods_receipt']), ('amount__gte', 0)), models.Q(('kind__in', ['manufacturer_compensation', 'charge_back']), ('amount__lte', 0)), models.Q(('kind', 'adjustment'), models.Q(('amount', 0), _negated=True)), _connector='OR'), name='supplierentry_sign_follows_kind'),
        ),
        migrations.AddConstraint(
            model_name='supplieraccountentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'adjustment'), ('corrects__isnull', False), models.Q(('reason', ''), _negated=True)), models.Q(models.Q(('kind', 'adjustment'), _negated=True), ('corrects__isnull', True)), _connector='OR'), name='supplierentry_adjustment_corrects_with_reason'),
        ),
        migrations.AddField(
            model_name='disputedline',
            name='adjustment',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='answers_dispute', to='reconciliation.supplieraccountentry', verbose_name='adjustment entry'),
        ),
        migrations.AddField(
            model_name='disputedline',
            name='answered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AddField(
            model_name='disputedline',
            name='entry',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disputes', to='reconciliation.supplieraccountentry', verbose_name='entry'),
        ),
        migrations.AddField(
            model_name='disputedline',
            name='raised_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by'),
        ),
        migrations.AddField(
            model_name='disputedline',
            name='statement',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disputed_lines', to='reconciliation.statement', verbose_name='statement'),
        ),
        migrations.AddField(
            model_name='statementmessage',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AddField(
            model_name='statementmessage',
            name='statement',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='reconciliation.statement', verbose_name='statement'),
        ),
        migrations.AddConstraint(
            model_name='disputedline',
            constraint=models.UniqueConstraint(fields=('statement', 'entry'), name='disputedline_once_per_entry'),
        ),
        migrations.AddConstraint(
            model_name='disputedline',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='disputedline_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='disputedline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('answer_kind', ''), ('answered_at__isnull', True), ('adjustment__isnull', True)), models.Q(('answer_kind', 'explanation'), models.Q(('answer_text', ''), _negated=True), ('answered_at__isnull', False), ('adjustment__isnull', True)), models.Q(('answer_kind', 'adjustment'), models.Q(('answer_text', ''), _negated=True), ('answered_at__isnull', False), ('adjustment__isnull', False)), _connector='OR'), name='disputedline_answer_is_whole'),
        ),
        migrations.AddConstraint(
            model_name='statementmessage',
            constraint=models.CheckConstraint(condition=models.Q(('body', ''), _negated=True), name='statementmessage_has_body'),
        ),
        touch_updated_at("reconciliation_supplieraccountentry", "reconciliation_statement"),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
