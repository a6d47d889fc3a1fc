/**
 * A small English text (written for this package) that the fixture tokenizers learn their
 * vocabularies from. Changing it changes every generated tokenizer, so bump the generator versions.
 */
export const ENGLISH_TEXT = `
On Monday morning the team met to plan the release. Maya Lopez opened the meeting and asked who was
blocked. Omar said the login bug was fixed, but one test still failed on the build server. Lena Park
had written the release notes over the weekend, and she wanted someone to review them before Friday.
They agreed to ship the new version on Friday afternoon, if the tests were green by Thursday night.

The question of the budget came up again. The customer in London wanted a small change to the design,
and the change would take three more days of work. Maya thought the team could do it after the
release; Omar was not so sure. "We should tell them now," he said, "not after we have promised a date."
In the end they decided to write a short summary for the customer and to ask for one more week.

On Tuesday the build was still red. Omar found that the failing test depended on the time of day: it
passed in the morning and failed after noon. He fixed the test, not the code, and wrote a note in the
thread so that nobody would make the same mistake. Lena read the note and thanked him. She also moved
two open issues to the next milestone, because they were not needed for this release.

Wednesday was quiet. Most people worked on small things: a typo in the settings page, a slow query in
the report, a missing translation for the German and French users. In the afternoon the team had a
short call with the design group from Paris. They showed new pictures of the home screen, and everyone
liked the simpler menu. The only open point was the color of the buttons, which they left for later.

On Thursday evening all the tests passed. Maya wrote the final checklist: update the version number,
tag the build, deploy to the staging servers, run the smoke tests, and then deploy to production. She
gave each item an owner and a time. Omar would deploy at ten; Lena would watch the error reports until
noon. If anything went wrong, they would roll back first and ask questions later.

The release went out on Friday at 10:42. For the first hour there were no errors at all, then a few
users in Berlin reported that their reports were empty. It turned out to be a cache that had not been
cleared. Omar cleared it, the reports came back, and the team posted a short update in the channel.
By the end of the day 1,250 people had used the new version, and the customer sent a friendly message.

Looking back, the team agreed that the week had gone well. The plan was clear, the owners knew what to
do, and the problems were small and fixed quickly. Next time, they said, they would start the release
notes earlier and keep the tests independent of the time of day. Then they went home for the weekend.
`;
