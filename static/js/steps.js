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
      var next = s.querySelector('.gjj-next');
      if (next) next.classList.toggle('d-none', !phone.matches);
    });
    document.querySelectorAll('.gjj-stepper li').forEach(function (li) {
      li.classList.toggle('fw-semibold', Number(li.dataset.step) === current);
      li.classList.toggle('text-primary', Number(li.dataset.step) === current);
    });
  }
  steps.forEach(function (s) {
    var next = s.querySelector('.gjj-next');
    if (next) next.addEventListener('click', function () { current += 1; show(); window.scrollTo(0, 0); });
  });
  phone.addEventListener('change', show);
  show();
})();
