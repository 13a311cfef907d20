import ICAL from "ical.js";

/** An iCalendar file as a calendar app reads it (ical.js): its zones, and its event with every instance (dates changed on their own at their new time). */
export function readCalendar(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  const zones = root.getAllSubcomponents("vtimezone");
  // As a calendar app does: the file's own VTIMEZONE defines its TZID.
  for (const zone of zones) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const [vevent, ...overrides] = root.getAllSubcomponents("vevent");
  if (!vevent) throw new Error("no VEVENT in the calendar file");
  // Further VEVENTs with the same UID and a RECURRENCE-ID change one date of the series, as calendar apps apply them.
  const event = new ICAL.Event(vevent, { exceptions: overrides.map((c) => new ICAL.Event(c)) });
  const instants: string[] = [];
  const it = event.iterator();
  for (let next = it.next(); next && instants.length < 400; next = it.next()) {
    instants.push(event.getOccurrenceDetails(next).startDate.toJSDate().toISOString().replace(".000Z", "Z"));
  }
  return {
    zones: zones.map((z) => String(z.getFirstPropertyValue("tzid"))),
    tzid: String(vevent.getFirstProperty("dtstart")?.getParameter("tzid") ?? ""),
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    status: String(vevent.getFirstPropertyValue("status") ?? ""),
    durationMinutes: event.duration.toSeconds() / 60,
    instants,
  };
}
