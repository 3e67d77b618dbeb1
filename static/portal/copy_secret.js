// A webhook endpoint's signing secret, shown once in a message (webhooks/admin.py): the Copy
// button copies the field and says so; without the clipboard API the field is selected.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".copy-secret");
  if (!button) return;
  const field = button.parentElement.querySelector(".webhook-secret");
  field.select();
  const done = () => { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { button.textContent = "Press Ctrl+C"; });
  } else {
    button.textContent = document.execCommand && document.execCommand("copy") ? "Copied" : "Press Ctrl+C";
  }
});
