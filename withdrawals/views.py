from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.decorators import depositor_required
from gjj_portal.middleware import guarded
from gjj_portal.policy import current_policy

from . import services
from .forms import MaterialUploadForm, RentWithdrawalForm
from .models import Material, Status
from .selectors import application_get_for_user, applications_of_user
from .uploads import material_check


def _account_or_404(request):
    account = getattr(request.user, "account", None)
    if account is None:
        raise Http404
    return account


@depositor_required
def index(request):
    return render(request, "withdrawals/index.html", {"account": _account_or_404(request)})


@guarded("withdrawal")
@depositor_required
def rent_new(request):
    account = _account_or_404(request)
    policy = current_policy()
    form = RentWithdrawalForm(request.POST or None, account=account, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.rent_withdrawal_create(user=request.user, account=account, request=form.to_request())
        except services.WithdrawalError as exc:
            form.add_error(None, str(exc))
        else:
            if not application.card_luhn_ok:
                messages.warning(request, "提示：您填写的银行卡号码未通过校验，如有误请联系中心更正，以免影响到账。")
            if application.status == Status.DRAFT:
                return redirect("withdrawals:materials", public_id=application.public_id)
            return redirect("withdrawals:done", public_id=application.public_id)
    return render(
        request,
        "withdrawals/rent_form.html",
        {"form": form, "account": account, "policy": policy, "ineligible": form.eligibility_problem()},
    )


@guarded("withdrawal")
@depositor_required
def materials(request, public_id):
    application = application_get_for_user(user=request.user, public_id=public_id)
    if application.status not in (Status.DRAFT, Status.MATERIALS_REQUESTED):
        return redirect("withdrawals:detail", public_id=application.public_id)
    form = MaterialUploadForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        form = MaterialUploadForm()
        try:
            services.withdrawal_submit(application=application, user=request.user)
        except services.WithdrawalError as exc:
            error = str(exc)
        else:
            return redirect("withdrawals:done", public_id=application.public_id)
    elif request.method == "POST" and form.is_valid():
        try:
            checked = [(f, *material_check(f)) for f in form.cleaned_data["files"]]
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            with transaction.atomic():
                for upload, content, content_type in checked:
                    Material.objects.create(
                        application=application,
                        file=content,
                        original_name=upload.name[:200],
                        content_type=content_type,
                        size=content.size,
                    )
            messages.success(request, f"已上传{len(checked)}个文件。全部材料上传后请点击“确定”。")
            return redirect("withdrawals:materials", public_id=application.public_id)
    return render(request, "withdrawals/materials.html", {"application": application, "form": form, "error": error})


@depositor_required
def done(request, public_id):
    application = application_get_for_user(user=request.user, public_id=public_id)
    return render(request, "withdrawals/done.html", {"application": application})


@depositor_required
def detail(request, public_id):
    application = application_get_for_user(user=request.user, public_id=public_id)
    changes = application.changes.select_related("actor")
    return render(request, "withdrawals/detail.html", {"application": application, "changes": changes})


@depositor_required
def mine(request):
    return render(request, "withdrawals/mine.html", {"applications": applications_of_user(user=request.user)})


@require_GET
def material_file(request, public_id):
    """A material, for its applicant or for staff who may review; 404 for anyone else."""
    if not request.user.is_authenticated:
        raise Http404
    material = get_object_or_404(Material.objects.select_related("application"), public_id=public_id)
    may_review = request.user.is_staff and request.user.has_perm("withdrawals.view_withdrawalapplication")
    if material.application.applicant_id != request.user.pk and not may_review:
        raise Http404
    response = FileResponse(material.file.open("rb"), content_type=material.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
