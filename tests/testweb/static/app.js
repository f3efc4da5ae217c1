/* The Daily Test front-end bootstrap: page metadata for the ad and analytics stack. */
window.dailyTest = {
  section: "cybersecurity",
  articleId: "00132871",
  ads: { slots: ["ad-slot"], lazy: true },
};
document.documentElement.classList.add("js");
