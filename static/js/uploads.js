// 影像上传 a phone can do: each document its own slot; a photo is scaled down here before it is sent (a 19 MB
// camera picture goes as a few hundred KB), the type and size are checked before anything travels, the upload
// shows its progress, and a wrong file is removed with 删除. The server checks everything again.
(function () {
  var TYPES = ['image/jpeg', 'image/png', 'application/pdf'];
  var LONG_SIDE = 2400;  // pixels: still sharp enough to read a certificate
  function mb(bytes) { return (bytes / 1048576).toFixed(1) + ' MB'; }
  function scaled(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || file.size <= 1048576 || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var ratio = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      var context = canvas.getContext('2d');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, '') + '.jpg', {type: 'image/jpeg'}));
        }, 'image/jpeg', 0.85);
      });
    }, function () { return file; });
  }
  // Every other file field (贷款申请's materials, 单位's 清册 upload): a Chinese 选择文件 button with the chosen
  // name beside it (the browser's own control speaks the browser's language), the type and size checked at
  // once, and photos scaled down in place before the form is sent.
  document.querySelectorAll('main input[type=file]').forEach(function (input) {
    if (input.closest('form.gjj-upload')) return;
    var limit = Number(input.dataset.maxBytes || 5242880);
    var accept = (input.getAttribute('accept') || '').split(',').map(function (t) { return t.trim(); }).filter(Boolean);
    var wrap = document.createElement('div');
    wrap.className = 'd-flex flex-wrap align-items-center gap-2';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-outline-primary';
    button.textContent = '选择文件';
    var name = document.createElement('span');
    name.className = 'small text-break';
    name.textContent = '未选择文件';
    name.setAttribute('aria-live', 'polite');
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(button);
    wrap.appendChild(name);
    wrap.appendChild(input);
    input.classList.add('visually-hidden');
    input.tabIndex = -1;
    button.setAttribute('aria-describedby', name.id = (input.id || input.name) + '-chosen');
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    if (label) button.setAttribute('aria-label', label.textContent.replace('*', '').trim() + '：选择文件');
    button.addEventListener('click', function () { input.click(); });
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length) { name.textContent = '未选择文件'; return; }
      var typeOk = function (f) {
        if (!accept.length) return true;
        var ext = '.' + f.name.split('.').pop().toLowerCase();
        return accept.indexOf(f.type) >= 0 || accept.indexOf(ext) >= 0;
      };
      var wrong = files.filter(function (f) { return !typeOk(f); });
      if (wrong.length) { input.value = ''; name.textContent = '⚠ “' + wrong[0].name + '”的类型不能上传，请重新选择。'; return; }
      name.textContent = '正在处理…';
      Promise.all(files.map(scaled)).then(function (ready) {
        var big = ready.filter(function (f) { return f.size > limit; });
        if (big.length) { input.value = ''; name.textContent = '⚠ “' + big[0].name + '”超过 ' + mb(limit) + '，请压缩后再选择。'; return; }
        if (window.DataTransfer && ready.some(function (f, i) { return f !== files[i]; })) {
          var moved = new DataTransfer();
          ready.forEach(function (f) { moved.items.add(f); });
          input.files = moved.files;
        }
        name.textContent = ready.map(function (f) { return f.name + '（' + mb(f.size) + '）'; }).join('、');
      });
    });
  });
  document.querySelectorAll('form.gjj-upload').forEach(function (form) {
    var limit = Number(form.dataset.maxBytes);
    var state = form.querySelector('.gjj-upload-state');
    var bar = form.querySelector('progress');
    var buttons = form.querySelectorAll('label.btn');
    function say(text, bad) { state.textContent = text; state.classList.toggle('text-danger', !!bad); state.setAttribute('role', bad ? 'alert' : 'status'); }
    function busy(on) { buttons.forEach(function (b) { b.classList.toggle('disabled', on); b.setAttribute('aria-disabled', on ? 'true' : 'false'); }); }
    form.querySelectorAll('input[type=file]').forEach(function (input) {
      input.addEventListener('change', function () {
        var files = Array.prototype.slice.call(input.files);
        input.value = '';
        if (!files.length) return;
        var wrong = files.filter(function (f) { return TYPES.indexOf(f.type) < 0; });
        if (wrong.length) { say('只能上传 JPG、PNG 图片或 PDF 文件：“' + wrong[0].name + '”不是，请重新选择。', true); return; }
        busy(true);
        say('正在处理照片…');
        Promise.all(files.map(scaled)).then(function (ready) {
          var big = ready.filter(function (f) { return f.size > limit; });
          if (big.length) { busy(false); say('“' + big[0].name + '”有 ' + mb(big[0].size) + '，超过 ' + mb(limit) + '，请压缩或拍照后再上传。', true); return; }
          var data = new FormData();
          data.append('csrfmiddlewaretoken', form.querySelector('[name=csrfmiddlewaretoken]').value);
          data.append('action', 'upload');
          data.append('slot', form.querySelector('[name=slot]').value);
          ready.forEach(function (f) { data.append('files', f, f.name); });
          var sent = ready.reduce(function (n, f) { return n + f.size; }, 0);
          var xhr = new XMLHttpRequest();
          xhr.open('POST', form.getAttribute('action') || location.href);  // form.action is the input named action
          xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
          bar.classList.remove('d-none');
          xhr.upload.addEventListener('progress', function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); });
          xhr.addEventListener('load', function () {
            var answer = {};
            try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {error: '上传未完成，请稍后重试。'}; }
            if (xhr.status === 200 && answer.ok) { say('已上传（' + mb(sent) + '）。'); location.reload(); return; }
            busy(false); bar.classList.add('d-none'); say(answer.error || '上传未完成，请稍后重试。', true);
          });
          xhr.addEventListener('error', function () { busy(false); bar.classList.add('d-none'); say('网络中断，文件未上传，请重试。', true); });
          say('正在上传 ' + ready.length + ' 个文件（' + mb(sent) + '）…');
          xhr.send(data);
        });
      });
    });
  });
})();
