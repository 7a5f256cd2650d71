// Shows the position the "known at" slider points to while it moves (the form works without it).
document.addEventListener("input", (event) => {
  if (event.target.id === "clock-known-at") {
    document.getElementById("clock-known-at-value").textContent = event.target.value;
  }
});
