from .selectors import inbox_counts


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_depositor", False):
        return {}
    return {"inbox": inbox_counts(user=user)}
