// Mailroom dashboard: reloads the regions marked data-refresh, and "select all" boxes. No library.
(function () {
  'use strict';

  function refresh(region) {
    var every = (parseInt(region.getAttribute('data-every'), 10) || 5) * 1000;
    var timer = setInterval(function () {
      if (document.hidden) {
        return;
      }
      fetch(region.getAttribute('data-refresh'), {credentials: 'same-origin'}).then(function (response) {
        if (response.status === 401) {
          clearInterval(timer);
          location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html) {
          region.innerHTML = html;
          region.setAttribute('data-refreshed', String(Date.now()));
        }
      }).catch(function () {
        // the server is away: try again next time
      });
    }, every);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-refresh]').forEach(refresh);
    document.querySelectorAll('input[data-select-all]').forEach(function (all) {
      all.addEventListener('change', function () {
        all.form.querySelectorAll('input[name="id"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
  });
})();
