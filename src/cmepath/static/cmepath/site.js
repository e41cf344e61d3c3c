// cmepath: small progressive enhancements; every page works without this file.
// Move focus to the first field with an error after an htmx swap, for keyboard users.
document.addEventListener("htmx:afterSwap", function (event) {
  var err = event.detail.target.querySelector && event.detail.target.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (err) { err.focus(); }
});
