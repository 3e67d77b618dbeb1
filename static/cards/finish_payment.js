// The page that finishes a card payment the bank wants authenticated (3-D Secure):
// Stripe.js shows the bank's challenge (confirmCardPayment), then the form posts back and
// the server places the order once it reads the PaymentIntent as authorized.
(function () {
  "use strict";
  var form = document.querySelector(".card-finish-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var message = document.querySelector(".card-finish-error");
  var button = form.querySelector("button");
  var confirmed = false;
  form.addEventListener("submit", function (event) {
    if (confirmed) { return; }
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe.confirmCardPayment(form.dataset.clientSecret, {
      payment_method: form.dataset.paymentMethod
    }).then(function (result) {
      var intent = result.paymentIntent;
      if (result.error || !intent || ["requires_capture", "succeeded"].indexOf(intent.status) < 0) {
        message.textContent = (result.error && result.error.message) ||
          "The payment was not confirmed. You can try again.";
        message.hidden = false;
        button.disabled = false;
        return;
      }
      confirmed = true;
      form.submit();
    });
  });
})();
