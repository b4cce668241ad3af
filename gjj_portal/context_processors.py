ELDER_COOKIE = "gjj_elder"  # accounts.views sets it for a person not yet logged in


def display(request):
    """长辈版 and the message sound: the person's choice once logged in, the browser's before."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"elder": user.elder_mode, "sound_on": user.sound_on}
    return {"elder": request.COOKIES.get(ELDER_COOKIE) == "1", "sound_on": False}
