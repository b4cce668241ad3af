// The portal's small behaviours, in one file: the Content-Security-Policy allows no inline script.
(function () {
  // 看不清？点击换一张: a new captcha image without reloading the form.
  var refresh = document.querySelector('[data-captcha-refresh]');
  if (refresh) {
    document.querySelectorAll('img.captcha').forEach(function (img) {
      img.title = '看不清？点击换一张';
      img.addEventListener('click', function () {
        fetch(refresh.dataset.captchaRefresh, {headers: {'X-Requested-With': 'XMLHttpRequest'}})
          .then(function (r) { return r.json(); })
          .then(function (d) { img.src = d.image_url; document.querySelector('input[name="captcha_0"]').value = d.key; });
      });
    });
  }
  // Tables read as cards on a phone (portal.css): each cell is labelled with its column's header. A table
  // that must stay a grid (none yet) would carry .gjj-keep-table.
  document.querySelectorAll('main table:not(.gjj-keep-table)').forEach(function (table) {
    var headers = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent.trim(); });
    table.querySelectorAll('tbody tr').forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        if (!cell.hasAttribute('data-label') && !cell.hasAttribute('colspan') && headers[i]) cell.setAttribute('data-label', headers[i]);
      });
    });
    table.classList.add('gjj-cards');
  });
  // A <form data-confirm="…"> (撤回申请) asks before it goes.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Every form shows it is working and ignores a second tap (a double tap must not send twice). A download
  // (a PDF, a list) leaves the page where it is: the button comes back after a few seconds; so does a page the
  // browser brings back from its cache.
  document.querySelectorAll('form').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (event.defaultPrevented) return;
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = '1';
      var button = event.submitter;
      if (button && button.tagName === 'BUTTON') {
        button.dataset.label = button.innerHTML;
        button.setAttribute('aria-disabled', 'true');
        button.classList.add('gjj-busy');
        button.textContent = (form.method || 'get').toLowerCase() === 'post' ? '正在提交…' : '正在查询…';
      }
      window.setTimeout(function () { reset(form); }, 8000);
    });
  });
  function reset(form) {
    delete form.dataset.sending;
    form.querySelectorAll('button.gjj-busy').forEach(function (b) {
      b.innerHTML = b.dataset.label; b.removeAttribute('aria-disabled'); b.classList.remove('gjj-busy');
    });
  }
  window.addEventListener('pageshow', function () { document.querySelectorAll('form[data-sending]').forEach(reset); });
  // 发送验证码 sends without leaving the page (what was typed stays, passwords included) and counts down until
  // another code may be asked for (accounts.sms.RESEND_AFTER, given as data-resend).
  function countdown(button, seconds) {
    var label = button.dataset.text || (button.dataset.text = button.textContent);
    button.disabled = true;
    (function tick() {
      if (seconds <= 0) { button.disabled = false; button.textContent = label; return; }
      button.textContent = seconds + '秒后可重发';
      seconds -= 1;
      window.setTimeout(tick, 1000);
    })();
  }
  document.querySelectorAll('button[data-resend]').forEach(function (button) {
    if (!window.fetch || !window.DOMParser) return;
    var note = document.createElement('div');
    note.className = 'small mt-1 mb-2 gjj-sms-note';
    note.setAttribute('role', 'status');
    var row = button.parentElement.classList.contains('d-flex') ? button.parentElement : button;
    row.insertAdjacentElement('afterend', note);
    button.addEventListener('click', function (event) {
      event.preventDefault();
      event.stopPropagation();
      if (button.disabled) return;
      var form = button.form;
      var data = new FormData(form);
      data.set(button.name, button.value);
      form.querySelectorAll('input[type=file]').forEach(function (f) { data.delete(f.name); });
      button.dataset.text = button.dataset.text || button.textContent;
      button.disabled = true;
      button.textContent = '正在发送…';
      note.textContent = '';  // the last answer goes: what shows next is this one's
      fetch(form.getAttribute('action') || location.href, {method: 'POST', body: data, credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}})
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, 'text/html');
          var texts = function (selector) {
            return Array.prototype.map.call(page.querySelectorAll(selector), function (e) { return e.textContent.trim(); }).filter(Boolean);
          };
          // A captcha answer is good for one check: the page's captcha becomes the new one the answer carries.
          var image = page.querySelector('img.captcha'), key = page.querySelector('input[name=captcha_0]');
          if (image && key && document.querySelector('img.captcha')) {
            document.querySelector('img.captcha').src = image.getAttribute('src');
            document.querySelector('input[name=captcha_0]').value = key.value;
            document.querySelector('input[name=captcha_1]').value = '';
          }
          // Sent is sent (the page's other fields may not be filled in yet: their errors are for 提交).
          var sent = texts('main .alert-success');
          var errors = sent.length ? [] : texts('main .alert-danger, main .invalid-feedback');
          if (!sent.length && !errors.length) errors = ['验证码未发送，请检查填写的信息后重试。'];
          note.classList.toggle('text-danger', errors.length > 0);
          note.textContent = errors.length ? '⚠ ' + errors.join(' ') : sent.join(' ');
          var wait = errors.join(' ').match(/请(\d+)秒后再试/);
          if (!errors.length) countdown(button, Number(button.dataset.resend));
          else if (wait) countdown(button, Number(wait[1]));
          else { button.disabled = false; button.textContent = button.dataset.text; }
        })
        .catch(function () {
          button.disabled = false;
          button.textContent = button.dataset.text;
          note.classList.add('text-danger');
          note.textContent = '⚠ 网络中断，验证码未发送，请重试。';
        });
    });
  });
  // A <select data-autosubmit> (借款合同编号) switches as soon as another option is chosen.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
  // 新消息提示音: a chime when there are more unread messages and 待办 than this person last saw on this
  // browser; 关闭音效 (remembered on the account) leaves data-sound off the page.
  var body = document.body;
  if (body.dataset.user) {
    var key = 'gjj-seen-' + body.dataset.user;
    var unread = Number(body.dataset.unread || 0);
    var seen = Number(window.localStorage.getItem(key) || 0);
    if (body.dataset.sound && unread > seen) {
      var chime = new Audio(body.dataset.sound);
      var played = chime.play();
      if (played && played.catch) played.catch(function () {});
    }
    window.localStorage.setItem(key, String(unread));
  }
})();
