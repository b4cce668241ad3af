"""One place that turns Django's stock field errors into sentences that name the field and say how to
fix it ("请填写月租金（元）。" instead of "这个字段是必须的。"). Every portal form (PortalForm) applies
`precise_errors` before it validates; a message a form wrote itself is kept."""

from datetime import date

from django import forms
from django.core import validators

from gjj_portal.widgets import MONTH_RE, DateSelect, MonthSelect


def _stock(field_class, key):
    for klass in field_class.__mro__:
        messages = getattr(klass, "default_error_messages", {})
        if key in messages:
            return messages[key]
    return None


def _say(field, key, text):
    """Replace the message only while it is still Django's own."""
    if key in field.error_messages and field.error_messages[key] == _stock(type(field), key):
        field.error_messages[key] = text


def precise_errors(form) -> None:
    for field in form.fields.values():
        # Messages may be %-formatted (with params) or not: a "%" in them (年利率（%）) is left out.
        label = str(field.label or "此项").replace("（%）", "").replace("%", "")
        pct = label

        def say(key, text, field=field):
            _say(field, key, text)

        choose = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(field.widget, DateSelect)
        if isinstance(field, forms.BooleanField):
            say("required", f"请勾选“{label}”。")
        else:
            say("required", f"请选择{label}。" if choose else f"请填写{label}。")
        say("invalid_choice", f"请从列表中选择{label}。")
        if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
            say("invalid", f"{label}请输入整数，例如 12。")
        elif isinstance(field, (forms.DecimalField, forms.FloatField)):
            say("invalid", f"{label}请输入数字，例如 1200 或 1200.50。")
        elif isinstance(field, forms.DateField):
            say("invalid", f"{label}请按“年-月-日”输入，例如 2026-01-31。")
        for i, v in enumerate(field.validators):
            if type(v) is validators.MaxValueValidator:
                field.validators[i] = validators.MaxValueValidator(
                    v.limit_value, f"{pct}不能大于 {v.limit_value}，请重新输入。"
                )
            elif type(v) is validators.MinValueValidator:
                field.validators[i] = validators.MinValueValidator(
                    v.limit_value, f"{pct}不能小于 {v.limit_value}，请重新输入。"
                )
            elif type(v) is validators.MaxLengthValidator:
                field.validators[i] = validators.MaxLengthValidator(
                    v.limit_value, f"{pct}最多 {v.limit_value} 个字，请删减后再提交。"
                )
            elif type(v) is validators.MinLengthValidator:
                field.validators[i] = validators.MinLengthValidator(v.limit_value, f"{pct}至少 {v.limit_value} 个字。")
            elif type(v) is validators.DecimalValidator:
                field.validators[i] = _DecimalValidator(v.max_digits, v.decimal_places, pct)


class _DecimalValidator(validators.DecimalValidator):
    def __init__(self, max_digits, decimal_places, label):
        super().__init__(max_digits, decimal_places)
        self.messages = {
            "invalid": f"{label}请输入数字。",
            "max_digits": f"{label}数值过大，请核对后重新输入。",
            "max_decimal_places": f"{label}最多保留 {decimal_places} 位小数。",
            "max_whole_digits": f"{label}数值过大，请核对后重新输入。",
        }


# Invisible characters that change the direction text is shown in (U+202E turns "张三.pdf" around): a name
# carrying one reads differently on a screen, a certificate and a bank file.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


YEARS = (1900, 2100)  # a date outside these is a typing slip (or a probe), never a business date


class PortalForm(forms.Form):
    """The base of every portal form: Django's stock errors become precise Chinese sentences, worded just
    before validation so they use the labels a subclass's __init__ settled on; no text may carry a
    direction-control character, no date fall outside 1900–2100."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, DateSelect):
                field.widget.label = str(field.label or "")  # each list's name for a screen reader

    def full_clean(self):
        precise_errors(self)
        super().full_clean()
        for name, value in list(getattr(self, "cleaned_data", {}).items()):
            label = self.fields[name].label if name in self.fields else name
            if isinstance(value, str) and not BIDI_CONTROLS.isdisjoint(value):
                self.add_error(name, f"{label}含有不可见的文字方向控制字符，请重新输入。")
            elif isinstance(value, date) and not YEARS[0] <= value.year <= YEARS[1]:
                self.add_error(name, f"{label}须在{YEARS[0]}年至{YEARS[1]}年之间，请核对后重新输入。")


class MonthField(forms.CharField):
    """A month (起缴年月, 补缴年月, 起租月份), chosen from 年 / 月 lists in Chinese; cleans to its first day."""

    widget = MonthSelect(years_back=1)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        m = MONTH_RE.match(value)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(f"请按“年-月”选择{self.label or '月份'}。")
        return date(int(m.group(1)), int(m.group(2)), 1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): cleans to a list (材料本地上传, 专窗扫描)."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] or single(None, initial)
        return [single(data, initial)]
