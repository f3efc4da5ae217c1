/* TestTrack analytics: a first-party visitor cookie plus a pageview beacon. */
(function () {
  var origin = new URL(document.currentScript.src).origin;
  var match = document.cookie.match(/(?:^|; )_tt_uid=([^;]*)/);
  var uid = match ? match[1] : "TT1.1703221200.4815162342";
  if (!match) {
    document.cookie = "_tt_uid=" + uid + "; path=/; max-age=31536000; SameSite=Lax";
  }
  var payload = JSON.stringify({
    event: "pageview",
    uid: uid,
    url: location.href,
    referrer: document.referrer,
    title: document.title,
  });
  navigator.sendBeacon(origin + "/collect", payload);
})();
