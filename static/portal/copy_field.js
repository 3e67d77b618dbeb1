// A button that copies a read-only field (data-copy-from="<field id>"): the API key shown
// once. Selecting the field first keeps a manual copy possible where the clipboard is refused.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-from]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyFrom);
  if (!field) return;
  field.select();
  const done = () => {
    button.textContent = button.dataset.copiedText || "Copied";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {});
  } else if (document.execCommand && document.execCommand("copy")) {
    done();
  }
});
