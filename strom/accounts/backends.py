from django.contrib.auth.backends import ModelBackend


class ActiveUserBackend(ModelBackend):
    """Django's model backend; inactive users are refused at sign-in and on every request.

    Object-level permissions live in strom.accounts.permissions, not in Django's permission tables.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
