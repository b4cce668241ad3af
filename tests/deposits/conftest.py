from decimal import Decimal

import pytest

from tests.factories import EmployerFactory, PersonalAccountFactory


@pytest.fixture
def unit(policy, django_user_model):
    employer = EmployerFactory()
    staff = [PersonalAccountFactory(employer=employer, base=Decimal("6000.00")) for _ in range(3)]
    user = django_user_model.objects.create_user("unit9", password="unit1234", role="unit", employer=employer)
    return employer, staff, user
