# The center policy moves out of gjj_portal into its own app: the same rows, the tables renamed from
# gjj_portal_* to policy_* (nothing copied). gjj_portal 0016 forgets the models on its side.

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('gjj_portal', '0015_centerpolicy_center_code_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='日期')),
                        ('is_working_day', models.BooleanField(verbose_name='是否工作日')),
                        ('note', models.CharField(blank=True, max_length=50, verbose_name='说明')),
                    ],
                    options={
                        'verbose_name': '工作日历调整',
                        'verbose_name_plural': '工作日历调整',
                        'db_table': 'gjj_portal_calendarday',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='CenterPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=32, unique=True, verbose_name='配置代码')),
                        ('center_name', models.CharField(max_length=100, verbose_name='中心名称')),
                        ('hotline', models.CharField(default='12329', max_length=30, verbose_name='服务热线')),
                        ('local_region', models.CharField(max_length=30, verbose_name='本地租房地区')),
                        ('rental_regions', models.JSONField(default=list, verbose_name='租房地区选项')),
                        ('rent_monthly_cap', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(0)], verbose_name='租房提取每月限额（元）')),
                        ('rent_min_deposit_months', models.PositiveSmallIntegerField(default=3, verbose_name='租房提取连续缴存月数')),
                        ('rent_withdrawals_per_year', models.PositiveSmallIntegerField(default=1, verbose_name='租房提取每年次数')),
                        ('min_balance_after_withdrawal', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=10, validators=[django.core.validators.MinValueValidator(0)], verbose_name='提取后账户最低留存（元）')),
                        ('review_sla_days', models.PositiveSmallIntegerField(default=3, verbose_name='审核时限（工作日）')),
                        ('closing_min_sealed_months', models.PositiveSmallIntegerField(default=6, verbose_name='外地销户提取须封存满（月）')),
                        ('base_floor', models.DecimalField(decimal_places=2, default=Decimal('2100.00'), max_digits=10, verbose_name='缴存基数下限（元）')),
                        ('base_cap', models.DecimalField(decimal_places=2, default=Decimal('31000.00'), max_digits=10, verbose_name='缴存基数上限（元）')),
                        ('contribution_rounding', models.CharField(choices=[('cent', '四舍五入到分'), ('yuan', '四舍五入到元')], default='cent', max_length=10, verbose_name='月缴存额舍入')),
                        ('password_min_length', models.PositiveSmallIntegerField(default=6, verbose_name='登录密码最短位数')),
                        ('password_max_length', models.PositiveSmallIntegerField(default=18, verbose_name='登录密码最长位数')),
                        ('login_requires_sms', models.BooleanField(default=False, verbose_name='登录须短信验证码（预留手机号）')),
                        ('login_requires_enrollment', models.BooleanField(default=False, verbose_name='仅已面签开通网上业务的职工可登录')),
                        ('loan_withdrawals_per_year', models.PositiveSmallIntegerField(default=1, verbose_name='还贷提取每年次数（商贷、公贷各）')),
                        ('prepay_min_amount', models.DecimalField(decimal_places=2, default=Decimal('10000.00'), max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='提前部分还款最低金额（元）')),
                        ('loan_max_amount', models.DecimalField(decimal_places=2, default=Decimal('1000000.00'), max_digits=12, verbose_name='公积金贷款最高额度（元）')),
                        ('loan_max_years', models.PositiveSmallIntegerField(default=30, verbose_name='公积金贷款最长年限（年）')),
                        ('ratio_min', models.DecimalField(decimal_places=2, default=Decimal('0.05'), max_digits=4, verbose_name='缴存比例下限')),
                        ('ratio_max', models.DecimalField(decimal_places=2, default=Decimal('0.12'), max_digits=4, verbose_name='缴存比例上限')),
                        ('supplementary_max_months', models.PositiveSmallIntegerField(default=24, verbose_name='补缴最长追溯（月）')),
                        ('card_cooling_hours', models.PositiveSmallIntegerField(default=24, help_text='变更收款银行卡后，新卡在此时长内不能接收提取资金。', verbose_name='新绑定银行卡冷静期（小时）')),
                        ('standing_day', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(28)], verbose_name='委托提取每月执行日')),
                        ('center_code', models.CharField(default='000000', help_text='6位中心代码，用于联系函编号和跨省报文。', max_length=6, verbose_name='中心代码')),
                        ('cross_send_days', models.PositiveSmallIntegerField(default=5, verbose_name='跨省通办受理后发送时限（工作日）')),
                        ('transfer_step_days', models.PositiveSmallIntegerField(default=5, verbose_name='转移接续每环节办理时限（工作日）')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '中心政策',
                        'verbose_name_plural': '中心政策',
                        'db_table': 'gjj_portal_centerpolicy',
                        'constraints': [models.CheckConstraint(condition=models.Q(('rent_monthly_cap__gte', 0)), name='policy_rent_cap_gte_0')],
                    },
                ),
                migrations.CreateModel(
                    name='BusinessWindow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('business', models.CharField(choices=[('withdrawal', '提取'), ('prepayment', '提前还款')], max_length=20, verbose_name='业务')),
                        ('days', models.CharField(choices=[('daily', '每天'), ('workdays', '工作日（按国家法定节假日及调休）')], default='daily', max_length=10, verbose_name='办理日')),
                        ('opens_at', models.TimeField(verbose_name='开始时间')),
                        ('closes_at', models.TimeField(verbose_name='结束时间（不含）')),
                        ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='windows', to='policy.centerpolicy')),
                    ],
                    options={
                        'verbose_name': '业务办理时间',
                        'verbose_name_plural': '业务办理时间',
                        'db_table': 'gjj_portal_businesswindow',
                        'constraints': [models.UniqueConstraint(fields=('policy', 'business'), name='policy_window_unique'), models.CheckConstraint(condition=models.Q(('opens_at__lt', models.F('closes_at'))), name='window_opens_before_close')],
                    },
                ),
                migrations.CreateModel(
                    name='InterestRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('effective_from', models.DateField(verbose_name='起息日期')),
                        ('annual_rate', models.DecimalField(decimal_places=4, max_digits=6, validators=[django.core.validators.MinValueValidator(0)], verbose_name='年利率')),
                        ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interest_rates', to='policy.centerpolicy')),
                    ],
                    options={
                        'verbose_name': '存款利率',
                        'verbose_name_plural': '存款利率',
                        'db_table': 'gjj_portal_interestrate',
                        'ordering': ['effective_from'],
                        'constraints': [models.UniqueConstraint(fields=('policy', 'effective_from'), name='policy_rate_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='LoanRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('effective_from', models.DateField(verbose_name='执行日期')),
                        ('up_to_five_years', models.DecimalField(decimal_places=4, max_digits=6, verbose_name='五年以下（含）年利率')),
                        ('over_five_years', models.DecimalField(decimal_places=4, max_digits=6, verbose_name='五年以上年利率')),
                        ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='loan_rates', to='policy.centerpolicy')),
                    ],
                    options={
                        'verbose_name': '贷款利率',
                        'verbose_name_plural': '贷款利率',
                        'db_table': 'gjj_portal_loanrate',
                        'ordering': ['effective_from'],
                        'constraints': [models.UniqueConstraint(fields=('policy', 'effective_from'), name='policy_loan_rate_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='PolicyBank',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=30, verbose_name='收款银行')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                        ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='banks', to='policy.centerpolicy')),
                    ],
                    options={
                        'verbose_name': '合作银行',
                        'verbose_name_plural': '合作银行（收款银行白名单）',
                        'db_table': 'gjj_portal_policybank',
                        'ordering': ['position', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('policy', 'name'), name='policy_bank_unique')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='calendarday', table=None),
        migrations.AlterModelTable(name='centerpolicy', table=None),
        migrations.AlterModelTable(name='businesswindow', table=None),
        migrations.AlterModelTable(name='interestrate', table=None),
        migrations.AlterModelTable(name='loanrate', table=None),
        migrations.AlterModelTable(name='policybank', table=None),
    ]
