// While a batch is uploaded and read, say so: a large batch takes a while and the page is blank.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.batch-upload");
  if (!form) return;
  form.addEventListener("submit", () => {
    const input = form.querySelector("input[type=file]");
    const count = input && input.files ? input.files.length : 0;
    const status = form.querySelector(".batch-progress");
    status.querySelector(".batch-progress-text").textContent = `${count} ${form.dataset.reading}`;
    status.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
  });
});
