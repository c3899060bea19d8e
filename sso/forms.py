from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's login form with the field names of Django's login form (`username`,
    `password`): django-axes reads `username` from the request, and links, password managers
    and the tests keep working."""

    def add_prefix(self, field_name: str) -> str:
        if field_name == "login":
            field_name = "username"
        return super().add_prefix(field_name)
