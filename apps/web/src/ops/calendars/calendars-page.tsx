import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { BatonApiError, type CalendarDetail, type CalendarInfo, type CalendarYearBody } from '@baton/client';
import { Alert, App, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { localized } from '../../designer/model-rows.ts';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import '../migration/migration.css';
import { daysInMonth, daysUntil, isoDate, toDayKinds, weekdayOf } from './year-days.ts';

const errorCode = (e: unknown) => (e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');

/** The drawer form's values: a year and its schedule, names split per language. */
interface YearForm {
  year: number;
  source?: string;
  holidays?: Array<{ from?: string; to?: string; zh?: string; en?: string }>;
  workdays?: Array<{ date?: string; zh?: string; en?: string }>;
}

const named = (zh?: string, en?: string) => {
  const name: { 'zh-CN'?: string; en?: string } = {};
  if (zh?.trim()) name['zh-CN'] = zh.trim();
  if (en?.trim()) name.en = en.trim();
  return Object.keys(name).length > 0 ? { name } : {};
};

/** Turns the form into the API body (empty names left out). Pure. */
function toBody(values: YearForm): CalendarYearBody {
  return {
    ...(values.source?.trim() ? { source: values.source.trim() } : {}),
    holidays: (values.holidays ?? []).map((h) => ({
      from: h.from ?? '',
      to: h.to ?? h.from ?? '',
      ...named(h.zh, h.en),
    })),
    workdays: (values.workdays ?? []).map((w) => ({ date: w.date ?? '', ...named(w.zh, w.en) })),
  };
}

/** The form values of a stored year. */
function toForm(year: number, schedule: CalendarYearBody | undefined): YearForm {
  return {
    year,
    ...(schedule?.source ? { source: schedule.source } : {}),
    holidays: (schedule?.holidays ?? []).map((h) => ({
      from: h.from,
      to: h.to,
      zh: h.name?.['zh-CN'],
      en: h.name?.en,
    })),
    workdays: (schedule?.workdays ?? []).map((w) => ({ date: w.date, zh: w.name?.['zh-CN'], en: w.name?.en })),
  };
}

/** A JSON Pointer of the body (`/holidays/0/from`) as a form field name. */
function toFieldName(path: string): (string | number)[] {
  const parts = path
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts[2] === 'name') return [parts[0]!, parts[1]!, parts[3] === 'zh-CN' ? 'zh' : 'en'];
  return parts.slice(0, 3);
}

/** The name fields (Chinese, English) and the remove button that end a row of the year form. */
function NameAndRemove({ row, onRemove }: { row: number; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={[row, 'zh']} label={t('calendars.nameZh')}>
        <Input />
      </Form.Item>
      <Form.Item name={[row, 'en']} label={t('calendars.nameEn')}>
        <Input />
      </Form.Item>
      <Form.Item label=" ">
        <Button icon={<DeleteOutlined />} aria-label={t('calendars.remove')} onClick={onRemove} />
      </Form.Item>
    </>
  );
}

/**
 * The business calendars (ops): a year view per calendar with holidays and make-up workdays
 * marked, the years covered and a warning when coverage ends soon; operators and admins add or
 * correct a year's schedule in a drawer (checked by the server with the calendar schema).
 */
/** The calendar schema's problem codes that have a text in the catalogues. */
const calendarIssueCodes = [
  'CAL_BAD_DATE',
  'CAL_BAD_FORMAT',
  'CAL_BAD_HOLIDAY_RANGE',
  'CAL_BAD_INTERVAL',
  'CAL_BAD_TIME',
  'CAL_BAD_VALUE',
  'CAL_DATE_OUTSIDE_YEAR',
  'CAL_DUPLICATE_WORKDAY',
  'CAL_MISSING_PROPERTY',
  'CAL_NO_WORKING_HOURS',
  'CAL_OVERLAPPING_HOLIDAYS',
  'CAL_OVERLAPPING_INTERVALS',
  'CAL_SCHEMA',
  'CAL_UNKNOWN_PROPERTY',
  'CAL_UNKNOWN_TIME_ZONE',
  'CAL_WORKDAY_IN_HOLIDAY',
  'CAL_WORKDAY_NOT_DAY_OFF',
  'CAL_WORKDAY_WITHOUT_HOURS',
  'CAL_WRONG_TYPE',
] as const;
const isCalendarIssueCode = (code: string): code is (typeof calendarIssueCodes)[number] =>
  (calendarIssueCodes as readonly string[]).includes(code);

export default function CalendarsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  /** A problem the server found in the year: its own (English) message in English, else by code. */
  const issueText = (issue: { code: string; message: string }): string =>
    language === 'en'
      ? issue.message
      : isCalendarIssueCode(issue.code)
        ? t(`calendars.issues.${issue.code}`)
        : t('calendars.issues.other', { code: issue.code });
  const { user } = useSession();
  const canEdit = user?.roles.some((r) => r === 'operator' || r === 'admin') ?? false;
  const [calendars, setCalendars] = useState<CalendarInfo[]>([]);
  const [key, setKey] = useState<string | undefined>();
  const [detail, setDetail] = useState<CalendarDetail | undefined>();
  const [year, setYear] = useState<number>(new Date().getFullYear());
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<YearForm>();

  useEffect(() => {
    client.listCalendars().then(
      (list) => {
        setCalendars(list);
        setKey((k) => k ?? list.find((c) => c.years.length > 0)?.key ?? list[0]?.key);
      },
      (e: unknown) => setError(t('calendars.loadFailed', { code: errorCode(e) })),
    );
  }, [t]);

  const load = useCallback(
    async (which: string) => {
      try {
        setDetail(await client.getCalendar(which));
      } catch (e) {
        setError(t('calendars.loadFailed', { code: errorCode(e) }));
      }
    },
    [t],
  );
  useEffect(() => {
    if (key !== undefined) void load(key);
  }, [key, load]);

  const today = new Date().toISOString().slice(0, 10);
  const daysLeft = detail?.coveredUntil ? daysUntil(detail.coveredUntil, today) : undefined;
  const yearOptions = useMemo(() => {
    const years = new Set([...(detail?.years ?? []), new Date().getFullYear(), year]);
    if (detail?.years.length) years.add(Math.max(...detail.years) + 1);
    return [...years].sort().map((y) => ({ value: y, label: String(y) }));
  }, [detail, year]);
  const schedule = detail?.schedules[String(year)];
  const kinds = useMemo(
    () => (detail ? toDayKinds(year, detail.workingHours, schedule) : new Map<string, string>()),
    [detail, year, schedule],
  );
  const names = useMemo(() => {
    const out = new Map<string, string>();
    for (const h of schedule?.holidays ?? []) {
      if (!h.name) continue;
      for (let d = Date.parse(`${h.from}T00:00:00Z`); d <= Date.parse(`${h.to}T00:00:00Z`); d += 86_400_000)
        out.set(new Date(d).toISOString().slice(0, 10), localized(h.name, language, ''));
    }
    for (const w of schedule?.workdays ?? []) if (w.name) out.set(w.date, localized(w.name, language, ''));
    return out;
  }, [schedule, language]);

  const openEditor = (which: number) => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue(toForm(which, detail?.schedules[String(which)]));
    setEditing(true);
  };

  const save = async () => {
    if (key === undefined) return;
    const values = form.getFieldsValue(true) as YearForm;
    setSaving(true);
    setFormError(null);
    // Clear the previous answer's marks; what the user typed stays.
    form.setFields(
      form
        .getFieldsError()
        .filter((f) => f.errors.length > 0)
        .map((f) => ({ name: f.name as never, errors: [] })),
    );
    try {
      const saved = await client.putCalendarYear(key, values.year, toBody(values));
      setDetail(saved);
      setYear(values.year);
      setEditing(false);
      setCalendars((list) =>
        list.map((c) => (c.key === key ? { ...c, years: saved.years, coveredUntil: saved.coveredUntil } : c)),
      );
      void message.success(t('calendars.saved', { year: values.year }));
    } catch (e) {
      if (e instanceof BatonApiError && e.issues.length > 0) {
        form.setFields(
          e.issues
            .filter((i) => i.path !== '')
            .map((i) => ({ name: toFieldName(i.path) as never, errors: [issueText(i)] })),
        );
        setFormError(t('calendars.invalid'));
      } else setFormError(t('calendars.requestFailed', { code: errorCode(e) }));
    } finally {
      setSaving(false);
    }
  };

  const weekdayNames = t('calendars.weekdays').split(',');
  const monthNames = t('calendars.months').split(',');

  return (
    <div className="page calendars-page">
      <Typography.Title level={3} className="page-title">
        {t('calendars.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('calendars.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} className="page-alert" />}
      <Card className="calendars-card">
        <Space wrap size="large" align="start">
          <label className="migration-field">
            <span>{t('calendars.calendar')}</span>
            <Select
              data-testid="calendar-select"
              className="migration-select-wide"
              value={key}
              onChange={setKey}
              options={calendars.map((c) => ({ value: c.key, label: localized(c.name, language, c.key) }))}
            />
          </label>
          <label className="migration-field">
            <span>{t('calendars.year')}</span>
            <Select
              data-testid="calendar-year"
              className="migration-select"
              value={year}
              onChange={setYear}
              options={yearOptions}
            />
          </label>
          {detail && (
            <div className="migration-field">
              <span>{t('calendars.covered')}</span>
              <Space size={4} wrap data-testid="calendar-years">
                {detail.years.length === 0 && (
                  <Typography.Text type="secondary">{t('calendars.noYears')}</Typography.Text>
                )}
                {detail.years.map((y) => (
                  <Tag key={y} color={detail.storedYears.includes(y) ? 'blue' : 'default'}>
                    {y}
                    {detail.storedYears.includes(y) ? ` · ${t('calendars.stored')}` : ''}
                  </Tag>
                ))}
              </Space>
            </div>
          )}
          {detail && (
            <div className="migration-field">
              <span>{t('calendars.timeZone')}</span>
              <Typography.Text className="mono">{detail.timeZone}</Typography.Text>
            </div>
          )}
        </Space>
        {detail?.coveredUntil && daysLeft !== undefined && daysLeft < detail.warningDays && (
          <Alert
            data-testid="calendar-coverage-warning"
            className="page-alert"
            type={daysLeft < 0 ? 'error' : 'warning'}
            showIcon
            message={
              daysLeft < 0
                ? t('calendars.ended', { date: detail.coveredUntil })
                : t('calendars.endsSoon', { date: detail.coveredUntil, days: daysLeft })
            }
            action={
              canEdit ? (
                <Button size="small" onClick={() => openEditor(Math.max(...detail.years) + 1)}>
                  {t('calendars.addYear')}
                </Button>
              ) : undefined
            }
          />
        )}
      </Card>

      {detail && (
        <Card
          className="calendars-card"
          title={
            <Space>
              <span>{year}</span>
              {detail.coveredUntil && (
                <Typography.Text type="secondary">
                  {t('calendars.coveredUntil', { date: detail.coveredUntil })}
                </Typography.Text>
              )}
            </Space>
          }
          extra={
            canEdit ? (
              <Space>
                <Button data-testid="calendar-add-year" type="primary" onClick={() => openEditor(year)}>
                  {schedule ? t('calendars.editYear', { year }) : t('calendars.addYear')}
                </Button>
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('calendars.readOnly')}</Typography.Text>
            )
          }
        >
          {!schedule && detail.years.length > 0 && (
            <Alert type="info" showIcon className="page-alert" message={t('calendars.uncovered', { year })} />
          )}
          {schedule?.source && (
            <Typography.Paragraph type="secondary">
              {t('calendars.source')}: {schedule.source}
            </Typography.Paragraph>
          )}
          <Space className="calendar-legend" size="large">
            <span className="calendar-legend-item">
              <span className="calendar-day calendar-day-holiday">1</span> {t('calendars.legendHoliday')}
            </span>
            <span className="calendar-legend-item">
              <span className="calendar-day calendar-day-workday">1</span> {t('calendars.legendWorkday')}
            </span>
            <span className="calendar-legend-item">
              <span className="calendar-day calendar-day-off">1</span> {t('calendars.legendOff')}
            </span>
          </Space>
          <div className="calendar-year" data-testid="calendar-year-view">
            {monthNames.map((monthName, index) => {
              const month = index + 1;
              const lead = weekdayOf(year, month, 1);
              return (
                <div key={month} className="calendar-month">
                  <div className="calendar-month-name">{monthName}</div>
                  <div className="calendar-grid">
                    {weekdayNames.map((w) => (
                      <span key={w} className="calendar-weekday">
                        {w}
                      </span>
                    ))}
                    {Array.from({ length: lead }, (_, i) => (
                      <span key={`blank-${i}`} />
                    ))}
                    {Array.from({ length: daysInMonth(year, month) }, (_, i) => {
                      const iso = isoDate(year, month, i + 1);
                      const kind = kinds.get(iso) ?? 'work';
                      return (
                        <span
                          key={iso}
                          data-date={iso}
                          data-kind={kind}
                          title={names.get(iso) ?? undefined}
                          className={`calendar-day calendar-day-${kind}`}
                        >
                          {i + 1}
                          {kind === 'workday' && <sup className="calendar-mark">{t('calendars.workdayMark')}</sup>}
                        </span>
                      );
                    })}
                  </div>
                </div>
              );
            })}
          </div>
        </Card>
      )}

      <Drawer
        title={t('calendars.drawerTitle')}
        open={editing}
        onClose={() => setEditing(false)}
        size="large"
        destroyOnHidden={false}
        extra={
          <Space>
            <Button onClick={() => setEditing(false)}>{t('calendars.cancel')}</Button>
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="calendar-save">
              {t('calendars.save')}
            </Button>
          </Space>
        }
      >
        {formError && <Alert type="error" showIcon message={formError} className="page-alert" />}
        <Form form={form} layout="vertical" preserve>
          <Form.Item name="year" label={t('calendars.year')} extra={t('calendars.yearHint')}>
            <InputNumber min={1970} max={2200} precision={0} data-testid="calendar-form-year" />
          </Form.Item>
          <Form.Item name="source" label={t('calendars.source')}>
            <Input placeholder={t('calendars.sourcePlaceholder')} />
          </Form.Item>
          <Typography.Title level={5}>{t('calendars.holidays')}</Typography.Title>
          <Form.List name="holidays">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <div key={field.key} className="calendar-form-row">
                    <Form.Item name={[field.name, 'from']} label={t('calendars.fromDate')}>
                      <Input placeholder={t('calendars.datePlaceholder')} className="calendar-date-input" />
                    </Form.Item>
                    <Form.Item name={[field.name, 'to']} label={t('calendars.toDate')}>
                      <Input placeholder={t('calendars.datePlaceholder')} className="calendar-date-input" />
                    </Form.Item>
                    <NameAndRemove row={field.name} onRemove={() => remove(field.name)} />
                  </div>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({})} data-testid="calendar-add-holiday">
                  {t('calendars.addHoliday')}
                </Button>
              </>
            )}
          </Form.List>
          <Typography.Title level={5} className="calendar-form-section">
            {t('calendars.workdays')}
          </Typography.Title>
          <Form.List name="workdays">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <div key={field.key} className="calendar-form-row calendar-form-row-workday">
                    <Form.Item name={[field.name, 'date']} label={t('calendars.date')}>
                      <Input placeholder={t('calendars.datePlaceholder')} className="calendar-date-input" />
                    </Form.Item>
                    <NameAndRemove row={field.name} onRemove={() => remove(field.name)} />
                  </div>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({})}>
                  {t('calendars.addWorkday')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Drawer>
    </div>
  );
}
