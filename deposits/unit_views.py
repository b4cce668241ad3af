"""单位网厅: pages for employer users (单位用户) only; depositors never reach them (and the reverse)."""

from django.shortcuts import render

from accounts.decorators import unit_required

from .models import PersonalAccount


@unit_required
def home(request):
    employer = request.user.employer
    staff = PersonalAccount.objects.filter(employer=employer).order_by("grzh")
    return render(request, "unit/home.html", {"employer": employer, "staff": staff})
