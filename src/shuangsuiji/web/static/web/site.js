// Small behaviours of every page, attached from here so that the pages carry no inline
// script (the Content-Security-Policy forbids it).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    // The language switch submits itself when a language is chosen; without JavaScript the
    // <noscript> button does it.
    document.querySelectorAll('form.lang select').forEach(function (select) {
      select.addEventListener('change', function () { select.form.submit(); });
    });
    // Print buttons (the participation answer is printed and filed).
    document.querySelectorAll('[data-print]').forEach(function (button) {
      button.addEventListener('click', function () { window.print(); });
    });
  });
})();
