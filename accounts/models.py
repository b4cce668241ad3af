from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    DEPOSITOR = "depositor", "缴存职工"
    UNIT = "unit", "单位用户"
    STAFF = "staff", "中心工作人员"


class User(AbstractUser):
    role = models.CharField("用户类型", max_length=10, choices=Role.choices, default=Role.DEPOSITOR)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True, null=True, blank=True)
    phone = models.CharField("手机号", max_length=11, blank=True, db_index=True)
    employer = models.ForeignKey(
        "deposits.Employer", on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属单位（单位用户）"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_depositor(self) -> bool:
        return self.role == Role.DEPOSITOR
