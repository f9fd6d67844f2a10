/** The applications service's answers, shaped as it gives them (taken from a demo start and trimmed). */
const SHENYANG = { code: 'city-shenyang', name: '沈阳市', name_en: 'Shenyang' };
const DALIAN = { code: 'city-dalian', name: '大连市', name_en: 'Dalian' };
export const HRSS_REF = { code: 'prov-hrss-dept', name: '省人力资源社会保障厅', name_en: 'Provincial Department of Human Resources and Social Security' };

const label = (zh: string, en: string) => ({ zh, en });

export const CALL_SUMMARY = {
  id: 1,
  title: '2026年度博士后研究人员生活补贴申报（演示）',
  year: 2026,
  plan_code: 'liaoning-2018-2020',
  program: {
    code: 't05-postdoc-living-subsidy',
    name: '博士后研究人员生活补贴',
    name_en: 'Postdoctoral researcher living subsidy',
    task_number: 5,
    task_title: '实施青年英才储备计划',
    rule_code: 't05-postdoc-living-subsidy',
    applicant_type: 'person',
    applicant_type_label: label('个人', 'Person'),
    quote: '对各设站单位招收的博士后研究人员由省财政给予 10 万元生活补贴',
  },
  reviewing_agency: HRSS_REF,
  amount: { status: 'computed', amount_fen: 10000000, amount_yuan: '100000', max_amount_fen: 10000000, is_maximum: false, explanation_zh: '每人 100,000.00 元 × 1 = 100,000.00 元', explanation_en: '100,000.00 yuan per person × 1 = 100,000.00 yuan', rule_version: 1 },
  opens_at: '2026-11-10T09:00:00+08:00',
  closes_at: '2027-01-29T17:00:00+08:00',
  status: 'open',
  status_label: label('正在受理', 'Open'),
  quota: { total: 20, used: 0, remaining: 20 },
};

export const CALL_CATALOG = {
  items: [CALL_SUMMARY],
  total: 1,
  page: 1,
  size: 10,
  facets: {
    task: [{ value: '5', label: label('任务5：实施青年英才储备计划', 'Task 5'), count: 1 }],
    agency: [{ value: 'prov-hrss-dept', label: label('省人力资源社会保障厅', 'Provincial Department of Human Resources and Social Security'), count: 1 }],
    applicant_type: [{ value: 'person', label: label('个人', 'Person'), count: 1 }],
    status: [{ value: 'open', label: label('正在受理', 'Open'), count: 1 }],
  },
};

export const QUOTA = {
  total: 20,
  used: 0,
  remaining: 20,
  nominated: 8,
  reserved: 0,
  approved: 0,
  allocated: 14,
  allocations: [
    { total: 4, used: 0, remaining: 4, agency: DALIAN, nominated: 0, nominations_left: 4 },
    { total: 10, used: 0, remaining: 10, agency: SHENYANG, nominated: 8, nominations_left: 2 },
  ],
};

export const CALL = {
  ...CALL_SUMMARY,
  eligibility: { age_max: { years: 35, cutoff_date: '2026-01-01', variants: [{ gender: 'female', discipline: null, years: 38 }] }, full_time_in_province: true, one_application_per_cycle: false, no_active_award_of_kind: true },
  notice_working_days: 5,
  objection_working_days: 10,
  nominators: [SHENYANG, DALIAN, { code: 'city-anshan', name: '鞍山市', name_en: 'Anshan' }],
  form: { code: 'talent-person', version: 1, title: '人才项目申报书', title_en: 'Talent programme application form' },
  quota_detail: QUOTA,
};

export const FORM = {
  code: 'talent-person',
  version: 1,
  title: '人才项目申报书',
  title_en: 'Talent programme application form',
  json_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['applicant_name', 'discipline', 'declaration'],
    properties: {
      applicant_name: { type: 'string', title: '姓名', 'x-title-en': 'Name', minLength: 1, maxLength: 50 },
      discipline: {
        type: 'string',
        title: '学科领域',
        'x-title-en': 'Discipline',
        oneOf: [
          { const: 'engineering', title: '工程技术', 'x-title-en': 'Engineering' },
          { const: 'medicine', title: '医药卫生', 'x-title-en': 'Medicine' },
        ],
      },
      achievements: { type: 'string', title: '主要业绩与贡献', 'x-title-en': 'Achievements', minLength: 10, maxLength: 2000 },
      declaration: { type: 'boolean', const: true, title: '本人承诺所填信息真实、准确', 'x-title-en': 'I declare the above is true' },
    },
  },
  ui_schema: { achievements: { 'ui:widget': 'textarea' } },
};

const event = (id: number, action: string, actionLabel: string, from: string | null, to: string, toLabel: string, role: string, comment = '') => ({
  id,
  occurred_at: `2026-11-30T02:2${id}:00Z`,
  actor_role: role,
  action,
  action_label: label(actionLabel, action),
  from_state: from,
  to_state: to,
  to_state_label: label(toLabel, to),
  comment,
});

export const RETURNED_APPLICATION = {
  id: 5,
  call_id: 1,
  call_title: CALL_SUMMARY.title,
  year: 2026,
  program_code: 't05-postdoc-living-subsidy',
  program_name: '博士后研究人员生活补贴',
  applicant_name: '演示博士后05',
  unit: '演示大学（虚构）',
  nominating_agency: SHENYANG,
  reviewing_agency: HRSS_REF,
  state: 'returned',
  state_label: label('退回修改', 'Returned for revision'),
  submitted_at: '2026-11-30T02:24:49Z',
  updated_at: '2026-11-30T02:24:49Z',
  form: CALL.form,
  form_data: { applicant_name: '演示博士后05', discipline: 'engineering', achievements: '在站期间主持省级课题一项。', declaration: true },
  personal: { masked: false, id_type: 'resident_id', id_number: '210102199501060537', phone: '13900000005', email: 'demo-postdoc-05@example.com', gender: 'male', birth_date: '1995-01-06' },
  amount_fen: null,
  amount_yuan: null,
  allowed_actions: [
    { action: 'resubmit', label: label('修改后重新提交', 'Resubmit after revision') },
    { action: 'withdraw', label: label('撤回申报', 'Withdraw') },
  ],
  timeline: [
    event(1, 'create', '创建申报草稿', null, 'draft', '草稿', 'applicant'),
    event(2, 'submit', '提交申报', 'draft', 'submitted', '已提交，待推荐', 'applicant'),
    event(3, 'nominate', '推荐', 'submitted', 'nominated', '已推荐，待形式审查', 'reviewer'),
    event(4, 'start_formal_review', '开始形式审查', 'nominated', 'formal_review', '形式审查中', 'reviewer'),
    event(5, 'return_for_revision', '退回修改', 'formal_review', 'returned', '退回修改', 'reviewer', '请补充在站期间成果的证明材料。'),
  ],
  attachments: [{ id: 1, label: '在站证明', filename: 'proof.pdf', content_type: 'application/pdf', size: 2048, sha256: 'a'.repeat(64), uploaded_at: '2026-11-30T02:24:49Z' }],
};

export const FORMAL_REVIEW_APPLICATION = {
  ...RETURNED_APPLICATION,
  state: 'formal_review',
  state_label: label('形式审查中', 'In formal review'),
  allowed_actions: [
    { action: 'return_for_revision', label: label('退回修改', 'Return for revision') },
    { action: 'pass_formal_review', label: label('形式审查通过', 'Pass formal review') },
    { action: 'reject', label: label('不予受理', 'Reject') },
  ],
  timeline: RETURNED_APPLICATION.timeline.slice(0, 4),
};

export const NOTICE = {
  id: 1,
  title: '2026年度博士后研究人员生活补贴拟资助人选公示',
  call_id: 1,
  call_title: CALL_SUMMARY.title,
  program_code: 't05-postdoc-living-subsidy',
  program_name: '博士后研究人员生活补贴',
  reviewing_agency: HRSS_REF,
  published_at: '2026-11-30T02:24:49Z',
  starts_on: '2026-11-30',
  ends_on: '2026-12-04',
  working_days: 5,
  status: 'open',
  status_label: label('公示中', 'Running'),
  concluded_at: null,
  objection_rules: label('对公示对象有异议的，请以真实姓名提出，并留下联系方式；匿名异议不予受理。', 'Object under your real name with a contact; anonymous objections are not accepted.'),
  entries: [{ application_id: 8, applicant_name: '演示博士后08', unit: '演示大学（虚构）', program_name: '博士后研究人员生活补贴', amount_fen: 10000000, amount_yuan: '100000' }],
};

export const ASSIGNMENT = {
  id: 3,
  application_id: 9,
  program_code: 't05-postdoc-living-subsidy',
  program_name: '博士后研究人员生活补贴',
  applicant_name: '演示博士后09',
  unit: '演示大学（虚构）',
  application_state: 'expert_review',
  application_state_label: label('专家评审中', 'In expert review'),
  assigned_at: '2026-11-30T02:24:49Z',
  declaration: null,
  declared_at: null,
  criteria: [
    { code: 'achievements', name: '学术水平与主要业绩', name_en: 'Achievements', max_points: 40 },
    { code: 'potential', name: '创新能力与发展潜力', name_en: 'Potential', max_points: 60 },
  ],
  score_sheet: null,
  can_score: false,
};
