// On a phone the application reads like the WeChat flow: 个人信息 → 下一步 → 账户提取信息 → 下一步 →
// 收款信息 → 提交申请. On a PC every step shows at once. Without script, every step shows too.
(function () {
  var steps = Array.prototype.slice.call(document.querySelectorAll('.gjj-step'));
  if (!steps.length) return;
  var phone = window.matchMedia('(max-width: 767.98px)');
  var firstError = document.querySelector('.gjj-step .is-invalid, .gjj-step .invalid-feedback');
  var current = firstError ? Number(firstError.closest('.gjj-step').dataset.step) : 1;
  if (new URLSearchParams(location.search).toString()) current = Math.max(current, 2);  // after 查询/计算
  function show() {
    steps.forEach(function (s) {
      var n = Number(s.dataset.step);
      s.hidden = phone.matches && n !== current;
      s.querySelectorAll('.gjj-next, .gjj-prev').forEach(function (b) { b.classList.toggle('d-none', !phone.matches); });
    });
    document.querySelectorAll('.gjj-stepper li').forEach(function (li) {
      li.classList.toggle('fw-semibold', Number(li.dataset.step) === current);
      li.classList.toggle('text-primary', Number(li.dataset.step) === current);
    });
  }
  // Past the first step the 办事指南 folds away (its 办事指南 summary stays, to open again), and each step
  // starts where the eye is: its heading at the top of the screen, focused for a screen reader. What was typed
  // stays: the steps are one form, only hidden in turn.
  var guide = document.querySelector('details.gjj-guide');
  function arrive() {
    if (guide && current > 1) guide.open = false;
    var step = steps.filter(function (s) { return !s.hidden; })[0];
    var heading = step && phone.matches ? step.querySelector('h2') : null;
    if (!heading) return;
    heading.tabIndex = -1;
    window.scrollTo({top: Math.max(0, heading.getBoundingClientRect().top + window.scrollY - 16), behavior: 'instant'});
    heading.focus({preventScroll: true});
  }
  steps.forEach(function (s) {
    var next = s.querySelector('.gjj-next');
    if (next) next.addEventListener('click', function () { current += 1; show(); arrive(); });
    var prev = s.querySelector('.gjj-prev');
    if (prev) prev.addEventListener('click', function () { current -= 1; show(); arrive(); });
  });
  phone.addEventListener('change', show);
  show();
  if (current > 1 && guide) guide.open = false;
  // 银行卡号码 is checked as soon as it is typed (length and the Luhn check digit), before 提交申请.
  var card = document.querySelector('input[name="card_number"]');
  var note = document.querySelector('[data-card-check]');
  function luhn(digits) {
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = Number(digits.charAt(digits.length - 1 - i));
      if (i % 2 === 1) { d = d * 2; if (d > 9) d -= 9; }
      total += d;
    }
    return total % 10 === 0;
  }
  if (card && note) {
    card.addEventListener('blur', function () {
      var digits = card.value.replace(/\s+/g, '');
      if (!digits) { note.textContent = '填好后自动核对卡号位数和校验位。'; return; }
      if (!/^\d{16,19}$/.test(digits)) note.textContent = '⚠ 银行卡号码应为16至19位数字，目前是' + digits.length + '位，请核对。';
      else if (!luhn(digits)) note.textContent = '⚠ 这个卡号未通过校验，可能有一位输错了，请对照银行卡逐位核对。';
      else note.textContent = '✓ 卡号位数和校验位正确。';
    });
  }
  // 租房提取: 本次可提取金额 computed as the months and rent are typed, and filled into 提取金额 (the
  // server computes it again in Decimal and refuses more).
  var limitNote = document.querySelector('[data-rent-limit]');
  if (limitNote) {
    var field = function (name) { return document.querySelector('[name="' + name + '"]'); };
    var amount = field('amount');
    var filled = '';
    var cents = function (text) { var n = Number(String(text).replace(/,/g, '')); return isFinite(n) ? Math.round(n * 100) : NaN; };
    var update = function () {
      var start = field('start_month').value, end = field('end_month').value, rent = cents(field('monthly_rent').value);
      if (!/^\d{4}-\d{2}$/.test(start) || !/^\d{4}-\d{2}$/.test(end) || !(rent > 0)) { limitNote.textContent = ''; return; }
      var months = Number(end.slice(5)) - Number(start.slice(5)) + 1;
      if (start.slice(0, 4) !== end.slice(0, 4) || months < 1) { limitNote.textContent = '起止月份须在同一年度内，且止租月份不早于起租月份。'; return; }
      var limit = Math.max(0, Math.min(rent * months, cents(limitNote.dataset.cap) * months, cents(limitNote.dataset.available)));
      var text = (limit / 100).toFixed(2);
      limitNote.textContent = '本次可提取金额：' + Number(text).toLocaleString('zh-CN', {minimumFractionDigits: 2}) + ' 元';
      if (!amount.value || amount.value === filled) { amount.value = text; filled = text; }
    };
    ['start_month', 'end_month', 'monthly_rent'].forEach(function (n) { field(n).addEventListener('input', update); field(n).addEventListener('change', update); });
    update();
  }
})();
