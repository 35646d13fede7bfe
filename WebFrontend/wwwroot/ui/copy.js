// Copy buttons: the only script the UI needs; without it the snippet is still there to select by hand. The button
// keeps its text (its accessible name stays "Copy …"); the snippet's status element says what happened.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + "-status");
  if (!source) return;
  let said;
  try {
    await navigator.clipboard.writeText(source.textContent);
    said = "Copied";
  } catch {
    said = "Copying failed: select the text and copy it";
  }
  if (status) {
    status.textContent = said;
    setTimeout(() => { status.textContent = ""; }, 3000);
  }
});
