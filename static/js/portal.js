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
