from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("当前密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError(_("两次输入的新密码不一致"))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)


class BindingForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    area_code = forms.CharField(label=_("区域代码"), max_length=15, required=False)


class LinkResidentForm(forms.Form):
    id_number = forms.CharField(
        label=_("居民身份证号码"), max_length=18, help_text=_("党员、居民账号须关联到本人的居民记录")
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100)
