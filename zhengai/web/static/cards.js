// 黄牌/红牌 badge of a CARDS goal (基本办学条件), wherever a goal is shown: asks goalCard and puts the badge
// (牌色, indicators below their limit, card years) after ``target``'s text. Words from texts.js.
import { T, fmt } from "./texts.js";

const CARD = `query($id: ID!, $d: Date) { goalCard(goalId: $id, asOf: $d) { card below cardYears } }`;
const COLOURS = { YELLOW: ["#f9d71c", "#3a3000"], RED: ["#d32f2f", "#fff"], NONE: ["#e0e0e0", "#333"] };

/** Shows the card of ``goal`` (when its aggregate is CARDS) in ``target``; removes an earlier badge. */
export async function showCard(target, goal, asOf, gql) {
  target.querySelector("[data-testid=goal-card]")?.remove();
  if (goal?.aggregate !== "CARDS") return;
  const c = (await gql(CARD, { id: goal.id, d: asOf || null })).goalCard;
  const badge = document.createElement("span");
  badge.dataset.testid = "goal-card";
  badge.dataset.card = c.card;
  badge.textContent = fmt(T.assessment.page.card_badge,
    { card: T.assessment.card[c.card], below: c.below, years: c.cardYears });
  const [bg, fg] = COLOURS[c.card];
  Object.assign(badge.style, { background: bg, color: fg, padding: "1px 8px", borderRadius: "4px",
    marginLeft: "8px", fontSize: "0.85em" });
  target.append(badge);
}
