// The shop's card form: Stripe.js Elements' card field, confirmCardSetup (with the bank's
// 3-D Secure challenge when it asks), then the form posts the SetupIntent's id.
(function () {
  "use strict";
  var form = document.querySelector(".card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var message = form.querySelector(".card-form-error");
  var button = form.querySelector("button");
  var confirmed = false;
  form.addEventListener("submit", function (event) {
    if (confirmed) { return; }
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe.confirmCardSetup(form.dataset.clientSecret, {
      payment_method: {card: card}
    }).then(function (result) {
      if (result.error || !result.setupIntent) {
        message.textContent = (result.error && result.error.message) ||
          "The card could not be saved. Check it and try again.";
        message.hidden = false;
        button.disabled = false;
        return;
      }
      form.querySelector("input[name=setup_intent_id]").value = result.setupIntent.id;
      confirmed = true;
      form.submit();
    });
  });
})();
