import type { UserRead } from '../auth/authApi';
import { setTokens } from '../auth/tokenStore';

export const ADMIN: UserRead = {
  id: 1,
  username: 'admin',
  display_name: '平台管理员',
  email: null,
  role: 'admin',
  agency_code: null,
  is_agency_admin: false,
  is_active: true,
  is_demo: false,
  created_at: '2026-11-26T08:00:00Z',
};

export const AGENCY_ADMIN: UserRead = {
  ...ADMIN,
  id: 2,
  username: 'hrss-admin',
  display_name: '王审核',
  role: 'reviewer',
  agency_code: 'prov-hrss-dept',
  is_agency_admin: true,
};

export const APPLICANT: UserRead = {
  ...ADMIN,
  id: 3,
  username: 'zhang.san',
  display_name: '张三',
  role: 'applicant',
};

/** Starts the test signed in (tokens as the gateway would have issued them). */
export function signedIn(access = 'access-1', refresh = 'refresh-1') {
  setTokens({ access_token: access, refresh_token: refresh, expires_at: Date.now() + 900_000 });
}

export const HRSS = { code: 'prov-hrss-dept', name: '省人力资源社会保障厅', name_en: 'Provincial Department of Human Resources and Social Security', kind: 'government_department' };
export const EDUCATION = { code: 'prov-education-dept', name: '省教育厅', name_en: 'Provincial Department of Education', kind: 'government_department' };
export const FINANCE = { code: 'prov-finance-dept', name: '省财政厅', name_en: 'Provincial Department of Finance', kind: 'government_department' };
export const ORG = { code: 'prov-org-dept', name: '省委组织部', name_en: 'Organization Department', kind: 'party_department' };
export const ALL_CITIES = { code: 'all-cities', name: '各市', name_en: 'All prefecture-level cities', kind: 'group' };

export const AGENCY_PAGE = {
  items: [HRSS, EDUCATION, FINANCE, ORG, ALL_CITIES].map((agency) => ({ ...agency, plans: ['liaoning-2018-2020'] })),
  total: 5,
  page: 1,
  size: 100,
};

export const PLAN_SUMMARY = {
  code: 'liaoning-2018-2020',
  title: '辽宁省人才服务全面振兴三年行动计划(2018—2020年)',
  title_en: 'Liaoning Three-Year Action Plan',
  document_number: '辽委办发〔2018〕25号',
  issuers: ['中共辽宁省委办公厅', '辽宁省人民政府办公厅'],
  issued_on: '2018-03-06',
  period_start: '2018-01-01',
  period_end: '2020-12-31',
  region: '辽宁省',
  task_count: 26,
};

export const PLAN_PAGE = { items: [PLAN_SUMMARY], total: 1, page: 1, size: 100 };

export const PLAN = {
  ...PLAN_SUMMARY,
  overall_targets: [],
  sections: [
    { number: 1, numeral: '一', title: '总体要求', groups: [] },
    {
      number: 2,
      numeral: '二',
      title: '重点任务',
      groups: [{ number: 1, numeral: '（一）', title: '突出高精尖缺导向，实施高层次人才培养引进工程', intro: '' }],
    },
  ],
  agencies: [ORG, HRSS, EDUCATION, FINANCE, ALL_CITIES],
  progress_percent: 41.5,
};

const CITY_SHENYANG = { code: 'city-shenyang', name: '沈阳市', name_en: 'Shenyang', kind: 'city' };
const CITY_DALIAN = { code: 'city-dalian', name: '大连市', name_en: 'Dalian', kind: 'city' };

export const TASK_5_SUMMARY = {
  plan_code: 'liaoning-2018-2020',
  number: 5,
  title: '实施青年英才储备计划',
  section: 2,
  group: 1,
  lead: [HRSS],
  responsible: [EDUCATION, FINANCE, ALL_CITIES],
  deliverable_count: 1,
  progress_percent: 12.5,
};

export const TASK_1_SUMMARY = {
  plan_code: 'liaoning-2018-2020',
  number: 1,
  title: '实施高层次人才培养支持计划',
  section: 2,
  group: 1,
  lead: [ORG],
  responsible: [EDUCATION, FINANCE, HRSS, ALL_CITIES],
  deliverable_count: 3,
  progress_percent: null,
};

function deliverable(code: string, indicator: string, quote: string, value: number, unit: string, progress: object, reports = {}) {
  return {
    code,
    quote,
    indicator,
    value,
    value_max: null,
    unit,
    approximate: true,
    comparator: 'about',
    due: '2020-12-31',
    note: null,
    recurrence: 'once',
    reporting: 'quarterly',
    derived_from_program: null,
    part_of: null,
    progress: { source: 'reported', as_of: '2019-06-30', ...progress },
    by_agency: [],
    reports: { total: 0, pending: 0, accepted: 0, returned: 0, latest_period: null, latest_submitted_at: null, ...reports },
  };
}

export const TASK_5 = {
  plan: { code: 'liaoning-2018-2020', title: PLAN_SUMMARY.title },
  number: 5,
  title: '实施青年英才储备计划',
  clause:
    '5. 实施青年英才储备计划。加大博士、博士后培养力度，力争三年储备博士、博士后 2 万左右。（牵头单位：省人力资源社会保障厅；责任单位：省教育厅、省财政厅，各市）',
  section: { number: 2, numeral: '二', title: '重点任务' },
  group: { number: 1, numeral: '（一）', title: '突出高精尖缺导向，实施高层次人才培养引进工程', intro: '' },
  owners: [
    { agency: HRSS, role: 'lead', position: 1, members: [] },
    { agency: EDUCATION, role: 'responsible', position: 1, members: [] },
    { agency: FINANCE, role: 'responsible', position: 2, members: [] },
    { agency: ALL_CITIES, role: 'responsible', position: 3, members: [CITY_SHENYANG, CITY_DALIAN] },
  ],
  deliverables: [
    {
      ...deliverable('t05-doctors-postdocs', '储备博士、博士后', '力争三年储备博士、博士后 2 万左右', 20000, '人',
        { value: 9000, percent: 45, expected_value: 9166.7, status: 'green' },
        { total: 3, pending: 1, accepted: 2, returned: 0, latest_period: '2019-Q2', latest_submitted_at: '2019-07-05T02:00:00Z' }),
      by_agency: [{ agency: HRSS, value: 9000, period: '2019-Q2' }],
    },
    deliverable('t05-postdoc-stations', '博士后科研工作站', '设立博士后科研工作站', 100, '家',
      { value: 30, percent: 30, expected_value: 45.8, status: 'amber' }),
    deliverable('t05-innovation-bases', '省级博士后创新实践基地', '省级博士后创新实践基地', 50, '个',
      { value: 2, percent: 4, expected_value: 22.9, status: 'red', source: 'derived' }),
  ],
  progress_percent: 26.3,
};

export const MATRIX = {
  plan: { code: 'liaoning-2018-2020', title: PLAN_SUMMARY.title },
  agencies: [ORG, HRSS, EDUCATION, FINANCE, ALL_CITIES, CITY_SHENYANG],
  rows: [
    {
      number: 1,
      title: '实施高层次人才培养支持计划',
      cells: {
        'prov-org-dept': { roles: ['lead'], via: null },
        'prov-hrss-dept': { roles: ['responsible'], via: null },
        'all-cities': { roles: ['responsible'], via: null },
        'city-shenyang': { roles: ['responsible'], via: 'all-cities' },
      },
    },
    {
      number: 5,
      title: '实施青年英才储备计划',
      cells: {
        'prov-hrss-dept': { roles: ['lead'], via: null },
        'prov-education-dept': { roles: ['responsible'], via: null },
        'prov-finance-dept': { roles: ['responsible'], via: null },
      },
    },
    {
      number: 20,
      title: '实施人力资源服务业发展推进计划',
      cells: { 'prov-org-dept': { roles: ['lead', 'responsible'], via: null } },
    },
  ],
};

export const HRSS_DETAIL = {
  ...HRSS,
  plans: ['liaoning-2018-2020'],
  members: [],
  member_of: [],
  leads: [
    { plan_code: 'liaoning-2018-2020', number: 5, title: '实施青年英才储备计划', role: 'lead', via: null, progress_percent: 26.3 },
  ],
  shares: [
    { plan_code: 'liaoning-2018-2020', number: 1, title: '实施高层次人才培养支持计划', role: 'responsible', via: null, progress_percent: null },
  ],
  progress_percent: 26.3,
};

export const CITY_DETAIL = {
  ...CITY_SHENYANG,
  plans: ['liaoning-2018-2020'],
  members: [],
  member_of: [{ plan_code: 'liaoning-2018-2020', group: ALL_CITIES }],
  leads: [],
  shares: [
    { plan_code: 'liaoning-2018-2020', number: 5, title: '实施青年英才储备计划', role: 'responsible', via: 'all-cities', progress_percent: 26.3 },
  ],
  progress_percent: null,
};

/** A pending report by 省教育厅 on task 5, which 省人力资源社会保障厅 leads and so reviews. */
export const PENDING_REPORT = {
  id: 7,
  deliverable_code: 't05-doctors-postdocs',
  task: { plan_code: 'liaoning-2018-2020', number: 5, title: '实施青年英才储备计划' },
  agency: EDUCATION,
  period: '2019-Q2',
  value: 1200,
  unit: '人',
  narrative: '新增博士后进站 1200 人。',
  evidence: ['https://example.gov.cn/report.pdf'],
  status: 'pending',
  submitted_at: '2019-07-05T02:00:00Z',
  reviewed_at: null,
  review_comment: null,
};

/** An overdue report of 省人力资源社会保障厅 already reminded once (提醒), as /supervision/overdue lists it. */
export const OVERDUE_ITEM = {
  agency: HRSS,
  plan_code: 'liaoning-2018-2020',
  task_number: 5,
  deliverable_code: 't05-postdoc-stations',
  indicator: '博士后科研工作站',
  period: '2019-Q3',
  deadline: '2019-10-15',
  state: 'missing',
  submitted_at: null,
  days_overdue: 30,
  escalation: { step: 1, level: 'reminder', level_name: '提醒', escalated_at: '2019-10-20T01:00:00Z' },
  next_level: 'interview',
};

/** Overdue reports as the service lists them, judged at a day of the running plan unless `final` (the plan has ended). */
export function overduePage(items: object[], { final = false }: { final?: boolean } = {}) {
  const asOf = final ? '2020-12-31' : '2019-11-14';
  return {
    items,
    total: items.length,
    page: 1,
    size: 10,
    as_of: asOf,
    final,
    judged: [{ plan_code: 'liaoning-2018-2020', as_of: asOf, final }],
    by_agency: [{ agency: HRSS, missing: items.length, late: 0 }],
  };
}
