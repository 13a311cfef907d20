import ICAL from "ical.js";

/** An iCalendar file as a calendar app reads it (ical.js): its zones, and its first event with every instance. */
export function readCalendar(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  const zones = root.getAllSubcomponents("vtimezone");
  // As a calendar app does: the file's own VTIMEZONE defines its TZID.
  for (const zone of zones) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const vevent = root.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT in the calendar file");
  const event = new ICAL.Event(vevent);
  const instants: string[] = [];
  const it = event.iterator();
  for (let next = it.next(); next && instants.length < 400; next = it.next()) instants.push(next.toJSDate().toISOString().replace(".000Z", "Z"));
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
