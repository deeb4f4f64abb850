//! The official holidays and make-up working days (调休) of mainland China.

use chrono::NaiveDate;

use super::{BusinessCalendar, Span, SpecialDay, WeeklyHours};
use crate::{CxError, Result};

/// Official public holidays and make-up working days (调休上班) of mainland
/// China for one year.
///
/// # Reference
/// - 2024: 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号
///   (25 October 2023). The notice only *encourages* a day off on 除夕
///   (9 February 2024), so that date stays a working day here.
/// - 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号
///   (12 November 2024), the first year of the revised 《全国年节及纪念日放假办法》.
///
/// Every date of each 放假 range is listed (weekend days included, which is
/// harmless); make-up days follow Monday's hours (see [`SpecialDay::hours`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChinaHolidays {
    /// Holidays (closed all day).
    pub holidays: Vec<SpecialDay>,
    /// Make-up working days.
    pub workdays: Vec<SpecialDay>,
}

type Range = (&'static str, (u32, u32), (u32, u32));
type OnDay = (&'static str, (u32, u32));
const CN_2024_OFF: [Range; 7] = [
    ("元旦", (1, 1), (1, 1)),
    ("春节", (2, 10), (2, 17)),
    ("清明节", (4, 4), (4, 6)),
    ("劳动节", (5, 1), (5, 5)),
    ("端午节", (6, 10), (6, 10)),
    ("中秋节", (9, 15), (9, 17)),
    ("国庆节", (10, 1), (10, 7)),
];
const CN_2024_ON: [(&str, (u32, u32)); 8] = [
    ("春节调休", (2, 4)),
    ("春节调休", (2, 18)),
    ("清明节调休", (4, 7)),
    ("劳动节调休", (4, 28)),
    ("劳动节调休", (5, 11)),
    ("中秋节调休", (9, 14)),
    ("国庆节调休", (9, 29)),
    ("国庆节调休", (10, 12)),
];
const CN_2025_OFF: [Range; 6] = [
    ("元旦", (1, 1), (1, 1)),
    ("春节", (1, 28), (2, 4)),
    ("清明节", (4, 4), (4, 6)),
    ("劳动节", (5, 1), (5, 5)),
    ("端午节", (5, 31), (6, 2)),
    ("国庆节、中秋节", (10, 1), (10, 8)),
];
const CN_2025_ON: [(&str, (u32, u32)); 5] = [
    ("春节调休", (1, 26)),
    ("春节调休", (2, 8)),
    ("劳动节调休", (4, 27)),
    ("国庆节调休", (9, 28)),
    ("国庆节调休", (10, 11)),
];

fn ymd(year: i32, (m, d): (u32, u32)) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, m, d)
        .ok_or_else(|| CxError::invalid("date", None, format!("{year}-{m}-{d}"), "no such date"))
}

/// China's official holidays and make-up days for `year` (2024 or 2025).
///
/// # Errors
/// [`CxError::InvalidValue`] for a year without a bundled State Council notice.
pub fn china_holidays(year: i32) -> Result<ChinaHolidays> {
    let (off, on): (&[Range], &[OnDay]) = match year {
        2024 => (&CN_2024_OFF, &CN_2024_ON),
        2025 => (&CN_2025_OFF, &CN_2025_ON),
        _ => {
            return Err(CxError::invalid(
                "year",
                None,
                year,
                "bundled China holidays cover 2024 (国办发明电〔2023〕7号) and 2025 (国办发明电〔2024〕12号); pass other years' dates as holidays/workdays",
            ));
        }
    };
    let mut holidays = Vec::new();
    for &(name, a, b) in off {
        let (a, b) = (ymd(year, a)?, ymd(year, b)?);
        for d in a.iter_days().take_while(|d| *d <= b) {
            holidays.push(SpecialDay::new(d).name(name));
        }
    }
    let workdays = on
        .iter()
        .map(|&(name, md)| Ok(SpecialDay::new(ymd(year, md)?).name(name)))
        .collect::<Result<_>>()?;
    Ok(ChinaHolidays { holidays, workdays })
}

impl BusinessCalendar {
    /// Mainland-China office calendar: Asia/Shanghai, Monday–Friday
    /// 09:00–12:00 and 13:30–18:00 (lunch break), with the official holidays
    /// and make-up working days of each year in `years` (see [`china_holidays`]).
    ///
    /// # Errors
    /// As [`china_holidays`].
    ///
    /// # Examples
    /// ```
    /// use cx_core::ops::BusinessCalendar;
    /// let cal = BusinessCalendar::china(&[2024])?;
    /// let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| cx_core::CxError::invalid("d", None, e, "bad"));
    /// assert_eq!(cal.seconds_on(d("2024-10-01")?), 0); // 国庆节
    /// assert_eq!(cal.seconds_on(d("2024-09-29")?), 7 * 3600 + 1800); // Sunday make-up day
    /// # Ok::<(), cx_core::CxError>(())
    /// ```
    pub fn china(years: &[i32]) -> Result<Self> {
        let spans = [
            Span::new(9 * 3600, 12 * 3600)?,
            Span::new(48_600, 18 * 3600)?,
        ];
        Self::china_with_hours(years, WeeklyHours::weekdays(&spans))
    }

    /// [`china`](Self::china) with other weekly hours.
    ///
    /// # Errors
    /// As [`china_holidays`].
    pub fn china_with_hours(years: &[i32], week: WeeklyHours) -> Result<Self> {
        let mut b = Self::builder("Asia/Shanghai").week(week);
        for &y in years {
            let h = china_holidays(y)?;
            b.spec.holidays.extend(h.holidays);
            b.spec.workdays.extend(h.workdays);
        }
        b.build()
    }
}
