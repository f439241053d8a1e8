/* The "Afdrukken" button of the desk receipt. Without JavaScript the button stays hidden and the page says
   to use Ctrl+P; kept in a file of its own because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
