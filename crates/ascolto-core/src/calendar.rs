//! Business calendars: a time zone, weekly opening hours and holidays, and the clock arithmetic
//! SLA targets are counted in (business time between two instants, the deadline a target gives).
//!
//! The key decision: a calendar is read one local day at a time. Each day's opening ranges are
//! turned into UTC intervals through the time zone, so a DST change needs no special case: on
//! the day Rome springs forward a 24/7 day lasts 23 hours and on the day it falls back 25,
//! while office hours of 09:00–18:00 stay nine hours either way. Everything else (deadlines,
//! business time between two instants, pauses) is a walk over those intervals.
//!
//! Invariants:
//! - the intervals a walk yields are in order, disjoint and never empty, so
//!   `business_time_between(start, add_business_time(start, d)?) == d` for every `d >= 0`,
//!   with or without pauses;
//! - a local time that does not exist (inside a spring-forward gap) is read as the first
//!   instant after the gap; one that happens twice (inside a fall-back overlap) as its first
//!   occurrence;
//! - no walk is unbounded: a calendar closed for [`MAX_CLOSED_DAYS`] days in a row counts as
//!   having no business hours, and a walk past the dates chrono can represent ends with
//!   [`CalendarError::OutOfRange`]; nothing here panics on any input.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc, Weekday,
};
use chrono_tz::{GapInfo, Tz};
use serde::{Deserialize, Serialize};

use crate::ParseError;

/// How many local days in a row a walk may find closed before it gives up. A calendar closed
/// for longer than a year and a month is treated as having no business hours at all.
pub const MAX_CLOSED_DAYS: u32 = 400;

/// Why a deadline could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar is closed on every day of the walk's horizon: no deadline exists.
    #[error("the calendar has no business hours in {MAX_CLOSED_DAYS} days in a row")]
    NoBusinessHours,
    /// The walk reached a date chrono cannot represent.
    #[error("the deadline lies beyond the dates the calendar can count")]
    OutOfRange,
}

/// A time of day on a wall clock, to the minute, from `00:00` to `24:00` (the end of the day).
///
/// Sent and stored as `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u16);

impl ClockTime {
    /// `00:00`, the start of the day.
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    /// `24:00`, the end of the day: a range ending here runs up to the next midnight.
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// The time `hour:minute`; `24:00` is allowed, anything later is not.
    pub fn new(hour: u32, minute: u32) -> Result<Self, ParseError> {
        let minutes = hour.checked_mul(60).and_then(|m| m.checked_add(minute));
        match minutes {
            Some(minutes) if minute < 60 && minutes <= 24 * 60 => Ok(ClockTime(minutes as u16)),
            _ => Err(ParseError::new(
                "time",
                format!("{hour:02}:{minute:02} is not a time from 00:00 to 24:00"),
            )),
        }
    }

    /// Parses `"HH:MM"` (or `"H:MM"`).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError::new("time", format!("{raw:?} is not a time written HH:MM"));
        let (hour, minute) = raw.trim().split_once(':').ok_or_else(invalid)?;
        let well_formed =
            |part: &str| (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if !well_formed(hour) || minute.len() != 2 || !well_formed(minute) {
            return Err(invalid());
        }
        Self::new(hour.parse().map_err(|_| invalid())?, minute.parse().map_err(|_| invalid())?)
    }

    /// Minutes since midnight, 0 to 1440.
    pub fn minutes_since_midnight(self) -> u16 {
        self.0
    }

    /// This time on `day`, as a local date and time; `24:00` is the next day's midnight.
    fn on(self, day: NaiveDate) -> Option<NaiveDateTime> {
        if self == Self::END_OF_DAY {
            return Some(day.succ_opt()?.and_time(NaiveTime::MIN));
        }
        let time = NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0)?;
        Some(day.and_time(time))
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ClockTime> for String {
    fn from(value: ClockTime) -> Self {
        value.to_string()
    }
}

/// One stretch of opening hours within a day; `from` is always before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "OpenRangeFields")]
pub struct OpenRange {
    #[schema(value_type = String, example = "09:00")]
    from: ClockTime,
    #[schema(value_type = String, example = "18:00")]
    to: ClockTime,
}

/// The JSON shape of an [`OpenRange`], before its order is checked.
#[derive(Deserialize)]
struct OpenRangeFields {
    from: ClockTime,
    to: ClockTime,
}

impl OpenRange {
    /// The range from `from` to `to`. Ranges past midnight are refused: write them as two,
    /// one on each day, so each day stays self-contained.
    pub fn new(from: ClockTime, to: ClockTime) -> Result<Self, ParseError> {
        if from < to {
            Ok(Self { from, to })
        } else {
            Err(ParseError::new("hours", format!("{from}–{to}: the opening must come before the closing")))
        }
    }

    /// Parses `"09:00"`, `"18:00"` into a range.
    pub fn parse(from: &str, to: &str) -> Result<Self, ParseError> {
        Self::new(ClockTime::parse(from)?, ClockTime::parse(to)?)
    }

    /// The whole day, `00:00` to `24:00`.
    pub fn whole_day() -> Self {
        Self { from: ClockTime::MIDNIGHT, to: ClockTime::END_OF_DAY }
    }

    /// When the range opens.
    pub fn opens_at(&self) -> ClockTime {
        self.from
    }

    /// When the range closes.
    pub fn closes_at(&self) -> ClockTime {
        self.to
    }
}

impl TryFrom<OpenRangeFields> for OpenRange {
    type Error = ParseError;
    fn try_from(fields: OpenRangeFields) -> Result<Self, Self::Error> {
        Self::new(fields.from, fields.to)
    }
}

/// Opening hours for each day of the week.
///
/// Each day's ranges are kept sorted and merged (overlapping or touching ranges become one),
/// so a walk over a day needs no sorting and yields disjoint intervals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "WeeklyHoursSpec", into = "WeeklyHoursSpec")]
pub struct WeeklyHours {
    /// Indexed by days from Monday.
    days: [Vec<OpenRange>; 7],
}

/// The JSON shape of [`WeeklyHours`]: one list of ranges per day; a missing day is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WeeklyHoursSpec {
    #[serde(default)]
    pub monday: Vec<OpenRange>,
    #[serde(default)]
    pub tuesday: Vec<OpenRange>,
    #[serde(default)]
    pub wednesday: Vec<OpenRange>,
    #[serde(default)]
    pub thursday: Vec<OpenRange>,
    #[serde(default)]
    pub friday: Vec<OpenRange>,
    #[serde(default)]
    pub saturday: Vec<OpenRange>,
    #[serde(default)]
    pub sunday: Vec<OpenRange>,
}

impl WeeklyHours {
    /// Closed every day; add days with [`WeeklyHours::with_day`].
    pub fn closed() -> Self {
        Self::default()
    }

    /// Open all day, every day.
    pub fn always_open() -> Self {
        Self { days: std::array::from_fn(|_| vec![OpenRange::whole_day()]) }
    }

    /// The same `ranges` from Monday to Friday, closed at weekends.
    pub fn weekdays(ranges: &[OpenRange]) -> Self {
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
            .into_iter()
            .fold(Self::closed(), |hours, day| hours.with_day(day, ranges))
    }

    /// These hours with `day` open during `ranges` (replacing what it had).
    pub fn with_day(mut self, day: Weekday, ranges: &[OpenRange]) -> Self {
        self.days[day.num_days_from_monday() as usize] = merged(ranges.to_vec());
        self
    }

    /// The opening ranges of `day`, sorted and disjoint.
    pub fn ranges(&self, day: Weekday) -> &[OpenRange] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Whether no day has any opening hours.
    pub fn is_closed(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// Sorts `ranges` and merges those that overlap or touch.
fn merged(mut ranges: Vec<OpenRange>) -> Vec<OpenRange> {
    ranges.sort_by_key(|range| (range.from, range.to));
    let mut result: Vec<OpenRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match result.last_mut() {
            Some(last) if range.from <= last.to => last.to = last.to.max(range.to),
            _ => result.push(range),
        }
    }
    result
}

impl From<WeeklyHoursSpec> for WeeklyHours {
    fn from(spec: WeeklyHoursSpec) -> Self {
        let WeeklyHoursSpec { monday, tuesday, wednesday, thursday, friday, saturday, sunday } = spec;
        Self { days: [monday, tuesday, wednesday, thursday, friday, saturday, sunday].map(merged) }
    }
}

impl From<WeeklyHours> for WeeklyHoursSpec {
    fn from(hours: WeeklyHours) -> Self {
        let [monday, tuesday, wednesday, thursday, friday, saturday, sunday] = hours.days;
        Self { monday, tuesday, wednesday, thursday, friday, saturday, sunday }
    }
}

/// A day the business is closed, whatever the weekly hours say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Holiday {
    /// What people call it ("Ferragosto").
    pub name: String,
    pub rule: HolidayRule,
}

/// Which dates a [`Holiday`] falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HolidayRule {
    /// The same day every year. A day that does not exist in a year (30 February) never
    /// matches; 29 February matches in leap years only.
    Yearly { month: u32, day: u32 },
    /// A number of days after Easter Sunday (Gregorian), every year: 1 is Easter Monday,
    /// -2 Good Friday.
    Easter { offset_days: i32 },
    /// One date only, such as a company closure.
    Once {
        #[schema(value_type = String, format = Date)]
        date: NaiveDate,
    },
}

impl Holiday {
    /// A holiday on the same day every year.
    pub fn yearly(name: &str, month: u32, day: u32) -> Self {
        Self { name: name.to_owned(), rule: HolidayRule::Yearly { month, day } }
    }

    /// Whether the holiday falls on `date`.
    pub fn falls_on(&self, date: NaiveDate) -> bool {
        match self.rule {
            HolidayRule::Yearly { month, day } => date.month() == month && date.day() == day,
            HolidayRule::Easter { offset_days } => easter_sunday(date.year())
                .and_then(|easter| easter.checked_add_signed(Duration::days(i64::from(offset_days))))
                .is_some_and(|holiday| holiday == date),
            HolidayRule::Once { date: once } => once == date,
        }
    }
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous algorithm of Meeus, Jones
/// and Butcher); `None` only where chrono cannot represent the date.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    // Euclidean division keeps every intermediate value non-negative, so the result is a
    // date between 22 March and 25 April for any year, the algorithm's range.
    let y = i64::from(year);
    let (a, b, c) = (y.rem_euclid(19), y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Italy's national holidays, ready to put in a [`Calendar`]: New Year's Day, Epiphany, Easter
/// Monday, Liberation Day, Labour Day, Republic Day, Ferragosto, All Saints, the Immaculate
/// Conception, Christmas and St Stephen's Day.
///
/// Local patron saints' days differ by city: add them as [`HolidayRule::Yearly`] entries.
pub fn italian_national_holidays() -> Vec<Holiday> {
    vec![
        Holiday::yearly("Capodanno", 1, 1),
        Holiday::yearly("Epifania", 1, 6),
        Holiday { name: "Lunedì dell'Angelo".to_owned(), rule: HolidayRule::Easter { offset_days: 1 } },
        Holiday::yearly("Festa della Liberazione", 4, 25),
        Holiday::yearly("Festa del Lavoro", 5, 1),
        Holiday::yearly("Festa della Repubblica", 6, 2),
        Holiday::yearly("Ferragosto", 8, 15),
        Holiday::yearly("Ognissanti", 11, 1),
        Holiday::yearly("Immacolata Concezione", 12, 8),
        Holiday::yearly("Natale", 12, 25),
        Holiday::yearly("Santo Stefano", 12, 26),
    ]
}

/// A stretch of time the SLA clock does not count (the conversation was waiting on the
/// customer). Half-open: `from` is paused, `until` counts again. A pause whose `until` is not
/// after its `from` pauses nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// When a business is open: a time zone, weekly hours in that zone's wall-clock time, and the
/// holidays on which it is closed all day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Calendar {
    /// An IANA time zone name such as `Europe/Rome`; opening hours are read on its clocks.
    #[schema(value_type = String, example = "Europe/Rome")]
    pub time_zone: Tz,
    #[schema(value_type = WeeklyHoursSpec)]
    pub hours: WeeklyHours,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

impl Calendar {
    pub fn new(time_zone: Tz, hours: WeeklyHours, holidays: Vec<Holiday>) -> Self {
        Self { time_zone, hours, holidays }
    }

    /// Open around the clock with no holidays: business time is elapsed time. The zone only
    /// decides where local days begin.
    pub fn always_open(time_zone: Tz) -> Self {
        Self::new(time_zone, WeeklyHours::always_open(), Vec::new())
    }

    /// An Italian office: Europe/Rome, Monday to Friday 09:00–18:00, national holidays closed.
    pub fn italian_office() -> Self {
        let nine_to_six = OpenRange { from: ClockTime(9 * 60), to: ClockTime(18 * 60) };
        Self::new(chrono_tz::Europe::Rome, WeeklyHours::weekdays(&[nine_to_six]), italian_national_holidays())
    }

    /// Whether `date` (a local date) is one of the calendar's holidays.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|holiday| holiday.falls_on(date))
    }

    /// Whether the business is open at `instant`.
    pub fn is_open_at(&self, instant: DateTime<Utc>) -> bool {
        match self.open_intervals(instant).next() {
            Some(Ok(interval)) => interval.start == instant,
            _ => false,
        }
    }

    /// The deadline `duration` of business time after `start`: the instant at which exactly
    /// `duration` of opening hours has passed. A duration of zero or less gives `start`.
    pub fn add_business_time(
        &self,
        start: DateTime<Utc>,
        duration: Duration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.deadline_with_pauses(start, duration, &[])
    }

    /// Like [`Calendar::add_business_time`], with the clock stopped during `pauses` (in any
    /// order, overlapping or not).
    pub fn deadline_with_pauses(
        &self,
        start: DateTime<Utc>,
        target: Duration,
        pauses: &[Pause],
    ) -> Result<DateTime<Utc>, CalendarError> {
        if target <= Duration::zero() {
            return Ok(start);
        }
        let mut left = target;
        for interval in WithoutPauses::new(self.open_intervals(start), pauses) {
            let interval = interval?;
            let length = interval.end - interval.start;
            if length >= left {
                return Ok(interval.start + left);
            }
            left -= length;
        }
        // The walk only ends with an error, which the loop returns; this is a safe fallback.
        Err(CalendarError::OutOfRange)
    }

    /// The business time between `from` and `until`; zero when `until` is not after `from`.
    pub fn business_time_between(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Duration {
        self.business_time_between_with_pauses(from, until, &[])
    }

    /// The business time between `from` and `until`, not counting `pauses`.
    pub fn business_time_between_with_pauses(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        pauses: &[Pause],
    ) -> Duration {
        let mut total = Duration::zero();
        if until <= from {
            return total;
        }
        // A walk that ends early (closed for good, or out of range) has counted everything
        // there is to count, so its error is the end of the sum rather than a failure.
        for interval in WithoutPauses::new(self.open_intervals(from), pauses).map_while(Result::ok) {
            if interval.start >= until {
                break;
            }
            total += interval.end.min(until) - interval.start;
        }
        total
    }

    /// The opening intervals at or after `from`, in order.
    fn open_intervals(&self, from: DateTime<Utc>) -> OpenIntervals<'_> {
        OpenIntervals::new(self, from)
    }

    /// The opening ranges on the local `date`: none on a holiday.
    fn ranges_on(&self, date: NaiveDate) -> &[OpenRange] {
        if self.is_holiday(date) { &[] } else { self.hours.ranges(date.weekday()) }
    }
}

/// A half-open stretch of UTC time, `start` before `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Walks a calendar's opening intervals forward from an instant, one local day at a time.
struct OpenIntervals<'c> {
    calendar: &'c Calendar,
    /// The local day being read, and its opening ranges.
    day: NaiveDate,
    ranges: &'c [OpenRange],
    next_range: usize,
    /// Nothing before this instant is yielded: the start of the walk, then the end of the
    /// last interval, which keeps intervals ordered and disjoint whatever the zone does.
    floor: DateTime<Utc>,
    yielded_today: bool,
    closed_days: u32,
    finished: bool,
}

impl<'c> OpenIntervals<'c> {
    fn new(calendar: &'c Calendar, from: DateTime<Utc>) -> Self {
        let local_day = local_date(calendar.time_zone, from);
        // Starting a day early costs little and covers zones whose day boundary moves
        // (a fall-back at midnight), where yesterday's last range can end after `from`.
        let day = local_day.pred_opt().unwrap_or(local_day);
        OpenIntervals {
            calendar,
            day,
            ranges: calendar.ranges_on(day),
            next_range: 0,
            floor: from,
            yielded_today: false,
            closed_days: 0,
            finished: false,
        }
    }

    /// Moves to the next local day, counting days with nothing open.
    fn advance_day(&mut self) -> Result<(), CalendarError> {
        if !self.yielded_today {
            self.closed_days += 1;
            if self.closed_days > MAX_CLOSED_DAYS {
                return Err(CalendarError::NoBusinessHours);
            }
        }
        self.day = self.day.succ_opt().ok_or(CalendarError::OutOfRange)?;
        self.ranges = self.calendar.ranges_on(self.day);
        self.next_range = 0;
        self.yielded_today = false;
        Ok(())
    }

    /// The UTC interval of `range` on the current day, clipped to the floor; `None` if that
    /// leaves nothing.
    fn interval(&self, range: OpenRange) -> Result<Option<Interval>, CalendarError> {
        let zone = self.calendar.time_zone;
        let local = |time: ClockTime| time.on(self.day).and_then(|local| first_instant_at(zone, local));
        let start = local(range.from).ok_or(CalendarError::OutOfRange)?.max(self.floor);
        let end = local(range.to).ok_or(CalendarError::OutOfRange)?;
        Ok((start < end).then_some(Interval { start, end }))
    }

    fn step(&mut self) -> Result<Interval, CalendarError> {
        loop {
            let Some(&range) = self.ranges.get(self.next_range) else {
                self.advance_day()?;
                continue;
            };
            self.next_range += 1;
            if let Some(interval) = self.interval(range)? {
                self.floor = interval.end;
                self.yielded_today = true;
                self.closed_days = 0;
                return Ok(interval);
            }
        }
    }
}

impl Iterator for OpenIntervals<'_> {
    type Item = Result<Interval, CalendarError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let next = self.step();
        self.finished = next.is_err();
        Some(next)
    }
}

/// The first UTC instant at which the wall clock of `zone` reads `local` or later.
///
/// That is `local` itself when it exists once, its first occurrence when the clocks go back,
/// and the end of the gap when the clocks go forward over it.
fn first_instant_at(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(instant) = zone.from_local_datetime(&local).earliest() {
        return Some(instant.to_utc());
    }
    end_of_gap(zone, local)
}

/// The end of the spring-forward gap that swallows `local`: the first instant after it.
fn end_of_gap(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    GapInfo::new(&local, &zone)?.end.map(|end| end.to_utc())
}

/// The local date at `instant` in `zone`; the UTC date where the local one is out of range.
fn local_date(zone: Tz, instant: DateTime<Utc>) -> NaiveDate {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc()).fix();
    instant.naive_utc().checked_add_offset(offset).unwrap_or(instant.naive_utc()).date()
}

/// Cuts pauses out of a walk's intervals.
struct WithoutPauses<I> {
    intervals: I,
    /// Sorted, merged and non-empty.
    pauses: Vec<Pause>,
    next_pause: usize,
    /// What is left of an interval a pause split in two.
    rest: Option<Interval>,
}

impl<I> WithoutPauses<I> {
    fn new(intervals: I, pauses: &[Pause]) -> Self {
        WithoutPauses { intervals, pauses: normalised(pauses), next_pause: 0, rest: None }
    }
}

/// `pauses` sorted, with empty ones dropped and overlapping or touching ones merged.
fn normalised(pauses: &[Pause]) -> Vec<Pause> {
    let mut sorted: Vec<Pause> = pauses.iter().copied().filter(|pause| pause.from < pause.until).collect();
    sorted.sort_by_key(|pause| (pause.from, pause.until));
    let mut result: Vec<Pause> = Vec::with_capacity(sorted.len());
    for pause in sorted {
        match result.last_mut() {
            Some(last) if pause.from <= last.until => last.until = last.until.max(pause.until),
            _ => result.push(pause),
        }
    }
    result
}

impl<I: Iterator<Item = Result<Interval, CalendarError>>> Iterator for WithoutPauses<I> {
    type Item = Result<Interval, CalendarError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let interval = match self.rest.take() {
                Some(rest) => rest,
                None => match self.intervals.next()? {
                    Ok(interval) => interval,
                    Err(error) => return Some(Err(error)),
                },
            };
            while self.pauses.get(self.next_pause).is_some_and(|pause| pause.until <= interval.start) {
                self.next_pause += 1;
            }
            let Some(pause) = self.pauses.get(self.next_pause).filter(|pause| pause.from < interval.end)
            else {
                return Some(Ok(interval));
            };
            // The pause overlaps the interval: keep what comes after it for the next call,
            // and yield what comes before it, if anything.
            self.rest =
                (pause.until < interval.end).then_some(Interval { start: pause.until, end: interval.end });
            if pause.from > interval.start {
                return Some(Ok(Interval { start: interval.start, end: pause.from }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_read_and_write_hours_and_minutes() {
        assert_eq!(ClockTime::parse("9:05").unwrap().to_string(), "09:05");
        assert_eq!(ClockTime::parse("24:00").unwrap(), ClockTime::END_OF_DAY);
        for raw in ["24:01", "9", "09:5", "aa:bb", "-1:00", "09:60", ""] {
            assert!(ClockTime::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn a_range_that_closes_before_it_opens_is_refused() {
        assert!(OpenRange::parse("18:00", "09:00").is_err());
        assert!(OpenRange::parse("09:00", "09:00").is_err());
    }

    #[test]
    fn overlapping_ranges_of_a_day_are_merged() {
        let ranges =
            [OpenRange::parse("12:00", "18:00").unwrap(), OpenRange::parse("09:00", "13:00").unwrap()];
        let hours = WeeklyHours::closed().with_day(Weekday::Mon, &ranges);
        assert_eq!(hours.ranges(Weekday::Mon), [OpenRange::parse("09:00", "18:00").unwrap()]);
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        for (year, month, day) in [
            (2008, 3, 23),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), NaiveDate::from_ymd_opt(year, month, day), "Easter {year}");
        }
    }

    #[test]
    fn easter_is_computed_for_any_year_without_panicking() {
        for year in [i32::MIN, -5000, 0, 1, 1582, 262_143, i32::MAX] {
            let _ = easter_sunday(year);
        }
    }
}
