// Live progress of a background import: poll the job's status every second, update the bar,
// reload the page when the job moves on (checked → ready/failed, applying → done).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('import-live');
    if (!box) return;
    var bar = document.getElementById('import-progress');
    var text = document.getElementById('import-progress-text');
    var rowsLabel = box.dataset.rowsLabel || '';
    function poll() {
      fetch(box.dataset.statusUrl, { credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.percent !== null) { bar.value = s.percent; }
          text.textContent = s.done.toLocaleString() + (s.total ? ' / ' + s.total.toLocaleString() : '') +
            ' ' + rowsLabel + (s.percent !== null ? ' (' + s.percent + '%)' : '');
          if (s.status !== box.dataset.status) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
