// Settings pages: "Copy" buttons put the text of the field they name (`data-copy`) on the
// clipboard, for the widget's script tag and the webhook addresses.
"use strict";
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const label = button.textContent;
    button.addEventListener("click", function () {
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      const text = source.value !== undefined ? source.value : source.textContent;
      function done() {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { source.select(); });
      } else {
        source.select();
        done();
      }
    });
  });
})();
