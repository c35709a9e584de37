/**
 * The Simplified Chinese texts of `baton` (`zh-CN`). Command and option names, codes, values the
 * user types (`current`, `running`, `team:NAME`) and quoted values stay as they are; Latin words
 * and numbers are set off from Chinese text by a space.
 *
 * @module
 */
import { instanceStatuses } from '@baton/client';
import { defaultServer } from '../session.ts';
import type { Messages } from './messages.ts';

/** Every text of `baton` in Simplified Chinese. */
export const zhCN: Messages = {
  main: {
    synopsis: '用法：baton <命令> [选项]',
    commandsHeading: '命令：',
    helpSummary: '显示本帮助，或某个命令的帮助：baton help <命令>',
    languageNote: `语言：优先取 BATON_LANG（en 或 zh-CN）；否则取 LC_ALL、LC_MESSAGES、LANG 中第一个已设置的
变量（以 "zh" 开头为 zh-CN，其他为 en）；都未设置时为 en。`,
    unknownCommand: (name, suggestion) =>
      `baton: 未知命令 "${name}"。${suggestion ? `是要运行 "${suggestion}" 吗？` : ''}`,
    unexpectedFailure: (command, detail) => `baton ${command}: 意外故障：${detail}\n请附上所运行的命令报告此问题。`,
    badLanguage: (value) =>
      `baton: BATON_LANG "${value}" 不是 baton 支持的语言；请设为 en 或 zh-CN，或取消设置以跟随 LC_ALL、LC_MESSAGES 和 LANG。`,
  },
  args: {
    wrongCount: (min, max, got) => `需要 ${min === max ? `${min}` : `${min} 到 ${max}`} 个参数，实际为 ${got} 个。`,
  },
  commands: {
    validate: {
      summary: '校验流程定义文件（或目录下的所有 *.json）',
      usage: `用法：baton validate [--json] FILE|DIR...

校验流程定义。对目录会递归查找其中的 *.json 文件（跳过 node_modules 和隐藏目录）。

每个问题输出一行 "FILE  PATH  CODE  message"，其中 PATH 是指向文件内部的 JSON Pointer
（"(root)" 表示整个文件），最后输出一行汇总。定义校验器给出的 message 为英文，以 CODE 为准。

选项：
  --json      改为输出 JSON 数组 [{ "file", "ok", "issues" }]
  -h, --help  显示本帮助

退出码：0 没有错误（允许有警告），1 有文件存在错误或无法读取，2 用法错误。
`,
    },
    login: {
      summary: '登录 Baton 服务器并保存会话',
      usage: `用法：baton login [--server URL] [--username NAME] [--password PASSWORD]

登录 Baton 服务器，并把会话（服务器、令牌、用户名）保存到 $XDG_CONFIG_HOME/baton/session.json，
未设置 XDG_CONFIG_HOME 时保存到 ~/.config/baton/session.json（权限 0600）。令牌有效期为 12 小时。

选项：
  --server URL       服务器地址，例如 http://127.0.0.1:3000。默认依次取 BATON_SERVER、
                     已保存会话中的服务器、${defaultServer}
  --username NAME    默认取已保存会话中的用户；在终端中会询问
  --password PASS    建议改用 BATON_PASSWORD 或交互输入：写在命令行上的密码会留在 shell
                     历史中，本机其他用户也能看到
  -h, --help         显示本帮助

退出码：0 已登录，1 被拒绝或无法连接服务器，2 用法错误。
`,
    },
    deploy: {
      summary: '校验、发布流程定义并部署到指定范围',
      usage: `用法：baton deploy FILE [--model KEY] [--state current|target] [--cohort COHORT]

校验 FILE 中的流程定义（问题的输出格式同 "baton validate"）；流程模型不存在时先创建
（以流程定义的名称命名）；把流程定义发布为新版本（已发布过相同内容时报告"内容未变，
仍为版本 N"）；再把该版本部署到一部分新实例（部署范围）。

选项：
  --model KEY       模型的 key。默认：流程定义的 "key"
  --state STATE     current（现状，即目前实际运行的流程）或 target（目标）。默认：流程定义的
                    "state"，没有时为 target
  --cohort COHORT   all（默认）；team:NAME[,team:NAME...]（这些团队及其下级团队）；
                    share:N%（按业务键取 N%，N 为 1-100）
  -h, --help        显示本帮助

需要已登录（baton login）或设置 BATON_SERVER 和 BATON_TOKEN。创建模型和发布需要 owner 或
admin 角色；部署需要 operator 或 admin 角色。

退出码：0 已部署（或此前已部署），1 流程定义无效或被服务器拒绝，2 用法错误。
`,
    },
    versions: {
      summary: '列出流程模型的版本',
      usage: `用法：baton versions KEY [--json]

列出流程模型 KEY 的版本，从旧到新：版本号、现状/目标（current 或 target）、状态（draft、
published、retired）、内容哈希的前 12 个字符，以及发布时间（UTC）。

选项：
  --json      改为以 JSON 输出版本
  -h, --help  显示本帮助

退出码：0 已列出，1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    instances: {
      summary: '列出流程模型的实例',
      usage: `用法：baton instances KEY [--status STATUS] [--limit N] [--json]

列出流程模型 KEY 的实例：ID、状态、版本、业务键、发起人，以及开始时间和最后更新时间（UTC）。

选项：
  --status STATUS  只列出该状态的实例：${instanceStatuses.join(', ')}
  --limit N        最多列出 N 个实例（1-500）。默认：服务器的默认值（50）
  --json           改为以 JSON 输出实例
  -h, --help       显示本帮助

退出码：0 已列出，1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    tasks: {
      summary: '列出你的待办（待认领和已认领的任务）',
      usage: `用法：baton tasks [--json]
      baton tasks --list todo|done|started|cc [--process KEY] [--step NODE] [--overdue] [--unread] [--limit N] [--json]

列出你的待办：分配给你或你可以认领的待认领及已认领任务，包括任务名称（按你账户的语言显示，
没有时为英文）、实例、到期时间（UTC）和处理人（无人认领时为 "-"）。

使用 --list 时列出四个列表之一：todo（待办，按到期时间）、done（已办，最新在前）、
started（我发起的实例）、cc（抄送我的实例，含已读状态）。

选项：
  --list LIST      todo、done、started 或 cc
  --process KEY    只看该流程模型
  --step NODE      只看该节点
  --overdue        只看已超期的（todo、done、started）
  --unread         只看未读的（cc）
  --limit N        最多 N 条（1-200），默认 50
  --json           改为以 JSON 输出任务
  -h, --help  显示本帮助

退出码：0 已列出，1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    task: {
      summary: '处理任务：同意、拒绝、加签、撤回、退回、批量同意',
      usage: `用法：baton task ACTION ID... [options]

操作：
  approve ID      以"同意"完成任务
  reject ID       以"拒绝"完成任务
  add-signers ID  加签（--users、--position before|after|parallel）
  withdraw ID     撤回：在下一个任务未被处理前撤回你的办理
  return ID       退回（--to 节点 ID、@previous 或 @initiator）
  batch-approve ID...  批量同意无需填写表单的任务；逐个处理

选项：
  --comment TEXT      审批意见，记入历史
  --cc USER,USER      approve/reject：抄送给这些用户
  --users USER,USER   add-signers：要加的审批人
  --position WHERE    add-signers：before、after 或 parallel
  --to TARGET         return：之前的节点 ID、@previous 或 @initiator
  --reason TEXT       return：原因
  --json              以 JSON 输出服务器的响应
  -h, --help          显示本帮助

退出码：0 完成（batch-approve：全部成功），1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    instance: {
      summary: '处理实例：撤回（发起人）或评论',
      usage: `用法：baton instance withdraw ID [--comment TEXT] [--json]
      baton instance comment ID TEXT [--json]

withdraw：撤回——在后续审批人处理之前，发起人撤回整个实例。
comment：为实例添加评论，记入历史。

退出码：0 完成，1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    delegate: {
      summary: '在一段时间内把任务委托给代理人（委托），或列出、结束委托',
      usage: `用法：baton delegate --to USER --until DATE [--from DATE] [--note TEXT]
      baton delegate --list [--all] [--json]
      baton delegate --end ID

设置一段时间内的代理人（外出时）：本应交给你的新任务会交给代理人，并标明"代表"你；到
--until 时自动结束。日期格式如 2026-12-24 或 2026-12-24T18:00:00Z。--list 列出与你有关的
委托（你是委托人或代理人）；--all 列出所有人的（管理员）。

退出码：0 完成，1 被服务器拒绝或未登录，2 用法错误。
`,
    },
    migrate: {
      summary: '把流程模型运行中的实例从一个版本迁移到另一个版本（运维、管理员）',
      usage: `用法：baton migrate KEY --from N --to N [--map SOURCE=TARGET]... [--instance ID]...
                     [--business-key-prefix TEXT] [--dry-run] [--json]

把流程模型 KEY 中运行在版本 --from 上的实例迁移到版本 --to（流程实例迁移）。两个版本中
ID 相同的活动节点自动对应；其余节点用 --map 指定（可重复）。新节点的截止时间和定时器
重新计算；每次迁移都记入实例历史。

先列出节点对应关系和试运行结果：哪些实例无法迁移及原因。加 --dry-run 时到此为止；否则
分批迁移并显示进度。无法迁移的实例保持原版本，不做任何改动。

选项：
  --from N                    实例当前所在的版本
  --to N                      要迁移到的已发布版本
  --map SOURCE=TARGET         把 --from 中的节点 SOURCE 对应到 --to 中的 TARGET（可重复）
  --instance ID               只迁移该实例（可重复）；默认：所有运行中的实例
  --business-key-prefix TEXT  只迁移业务编号以 TEXT 开头的实例
  --dry-run                   只显示将会发生什么，不做改动
  --json                      以 JSON 输出试运行结果（或完成的迁移任务）
  -h, --help                  显示本帮助

退出码：0 所选实例全部迁移成功（--dry-run 时为全部可迁移），1 有实例无法迁移或被服务器
拒绝，2 用法错误。
`,
    },
    logout: {
      summary: '删除已保存的会话',
      usage: `用法：baton logout

删除已保存的会话文件。（令牌本身在到期前仍然有效。）

退出码：0 完成，2 用法错误。
`,
    },
  },
  files: {
    cannotRead: (file, reason) => `无法读取 "${file}"：${reason}。请检查路径及其权限。`,
    noJsonFiles: (directory) =>
      `目录 "${directory}" 中没有 *.json 文件（已跳过 node_modules 和隐藏目录）。请指定存放流程定义的目录，或直接指定文件。`,
    notJson: (line, column, detail) =>
      `第 ${line} 行第 ${column} 列：文件不是有效的 JSON（${detail}）。请修正该处语法；常见原因是末尾多余的逗号和未加引号的属性名。`,
    fsErrors: {
      ENOENT: '文件或目录不存在',
      EACCES: '权限不足',
      EISDIR: '这是一个目录',
      ENOTDIR: '路径中有一部分不是目录',
    },
    fsError: (phrase, code) => `${phrase}（${code}）`,
  },
  validate: {
    noPaths: '请至少指定一个文件或目录。',
    warning: (message) => `警告：${message}`,
    summary: (c) =>
      `已检查 ${c.files} 个文件：${c.valid} 个有效，${c.invalid} 个无效；${c.errors} 个错误，${c.warnings} 个警告。`,
  },
  deploy: {
    badCohort: (text) =>
      `--cohort "${text}" 不是有效的部署范围；请使用 all、team:NAME[,team:NAME] 或 share:N%（N 为 1 到 100）。`,
    badState: (text) => `--state "${text}" 不是有效的状态；请使用 current 或 target。`,
    isDirectory: (file) => `"${file}" 是目录；请指定一个流程定义文件。`,
    invalidDefinition: (file) => `${file} 不是有效的流程定义；没有向服务器发送任何内容。`,
    keyMismatch: (model, definitionKey, file) =>
      `模型 "${model}" 不存在，且流程定义的 key 为 "${definitionKey}"。请去掉 --model，或把 ${file} 中的 "key" 改为 "${model}"。`,
    createdModel: (key) => `已创建流程模型 ${key}。`,
    published: (key, version, state, hash) => `已发布 ${key} 版本 ${version}（${state}，sha256 ${hash}）。`,
    unchanged: (key, version, hash) => `${key}：内容未变，仍为版本 ${version}（sha256 ${hash}）。`,
    alreadyDeployed: (version, cohort, deployment) =>
      `版本 ${version} 此前已部署（范围：${cohort}）：部署 ${deployment}。`,
    deployed: (key, version, cohort, deployment) =>
      `已部署 ${key} 版本 ${version}（范围：${cohort}）：部署 ${deployment}。`,
    cohort: (cohort) => {
      if (cohort.type === 'all') return '所有新实例';
      if (cohort.type === 'teams') return `团队 ${cohort.teams.join('、')}`;
      return `${cohort.percent}% 的业务键`;
    },
  },
  versions: {
    header: ['版本', '现状/目标', '状态', '哈希', '发布时间'],
  },
  instances: {
    header: ['ID', '状态', '版本', '业务键', '发起人', '开始时间', '更新时间'],
    badStatus: (status, allowed) => `--status "${status}" 不是有效的实例状态；可选值：${allowed.join('、')}。`,
    badLimit: (text) => `--limit "${text}" 必须是 1 到 500 之间的整数。`,
    none: (model, status) => `${model} 没有${status === undefined ? '' : `状态为 ${status} 的`}实例。`,
  },
  tasks: {
    header: ['ID', '任务', '流程', '实例', '到期', '处理人'],
    none: (username) => `${username} 没有待办任务。`,
    doneHeader: ['ID', '任务', '流程', '实例', '到期', '完成时间'],
    ccHeader: ['ID', '流程', '实例', '节点', '抄送人', '时间', '已读'],
    emptyList: (list) => `${list} 列表为空。`,
    more: (shown, count) => `显示 ${shown} / ${count} 条；加大 --limit 可查看更多。`,
    unread: '未读',
    read: '已读',
    badList: (text) => `--list "${text}" 无效；可选：todo、done、started、cc。`,
    badLimit: (text) => `--limit "${text}" 必须是 1 到 200 之间的整数。`,
  },
  task: {
    badAction: (text, allowed) => `"${text}" 不是有效的操作；可选：${allowed.join('、')}。`,
    badId: (text) => `"${text}" 不是任务 ID；任务 ID 是整数（见 "baton tasks"）。`,
    badPosition: (text) => `--position "${text}" 无效；可选：before、after、parallel。`,
    needUsers: 'add-signers 需要 --users USER[,USER]。',
    needTo: 'return 需要 --to 节点 ID（或 @previous、@initiator）。',
    done: (action, id, status) => `任务 ${id}：${action} 已完成；当前状态 ${status}。`,
    batch: (succeeded, failed) => `批量同意：${succeeded} 个成功，${failed} 个被拒绝。`,
    batchFailed: (id, code, message) => `任务 ${id}：${code}：${message}`,
  },
  instance: {
    badAction: (text, allowed) => `"${text}" 不是有效的操作；可选：${allowed.join('、')}。`,
    withdrawn: (id, status) => `实例 ${id} 已撤回；当前状态 ${status}。`,
    commented: (id) => `已为实例 ${id} 添加评论。`,
  },
  migrate: {
    header: ['源节点', '目标节点', '实例数'],
    unmapped: '（请用 --map 指定）',
    badVersion: (option, text) => `${option} "${text}" 必须是版本号（1 或更大）。`,
    badMap: (text) => `--map "${text}" 必须写成 SOURCE=TARGET，即两个节点 ID。`,
    summary: (total, movable, blocked) => `共选中 ${total} 个实例：${movable} 个可迁移，${blocked} 个无法迁移。`,
    blocked: (instance, businessKey, reasons) =>
      `  无法迁移 ${instance}${businessKey === null ? '' : `（${businessKey}）`}：${reasons}`,
    started: (id, total) => `迁移任务 ${id} 已开始，共 ${total} 个实例。`,
    progress: (migrated, failed, total) =>
      `  已处理 ${migrated + failed}/${total}：${migrated} 个已迁移，${failed} 个失败`,
    done: (id, migrated, failed) => `迁移任务 ${id} 已完成：${migrated} 个已迁移，${failed} 个无法迁移（保持不变）。`,
    stopped: (id) => `迁移任务 ${id} 因服务器错误中止；已迁移的实例保持迁移后的状态。请查看服务器日志。`,
    nothing: '没有需要迁移的实例。',
  },
  delegate: {
    header: ['ID', '委托人', '代理人', '开始', '结束', '状态'],
    none: '没有委托。',
    set: (agent, from, until, id) => `委托 ${id}：从 ${from} 到 ${until}，你的新任务将交给 ${agent}。`,
    ended: (id) => `委托 ${id} 已结束。`,
    badMode: '请给出 --to USER --until DATE，或 --list，或 --end ID。',
    badId: (text) => `--end "${text}" 不是委托 ID（整数，见 "baton delegate --list"）。`,
  },
  login: {
    badServer: (server) => `"${server}" 不是服务器地址；请使用类似 http://127.0.0.1:3000 的地址。`,
    usernamePrompt: '用户名：',
    passwordPrompt: (username, server) => `${username}@${server} 的密码：`,
    noUsername: '缺少用户名：请传入 --username NAME。',
    noPassword: '缺少密码：请设置 BATON_PASSWORD、在终端中运行以便输入，或传入 --password。',
    loggedIn: (server, username, roles, file) =>
      `已以 ${username}（${roles.join('、') || '无角色'}）身份登录 ${server}。会话已保存到 ${file}。`,
    loggedOut: (file) => `已退出登录；已删除 ${file}。`,
    notLoggedIn: '尚未登录；没有需要删除的内容。',
    tokenStillSet: '注意：环境变量 BATON_TOKEN 仍已设置，每个命令都会使用它。',
  },
  server: {
    notLoggedIn: (server) =>
      `${server === '' ? '尚未登录' : `尚未登录 ${server}`}。请运行 "baton login --server URL --username NAME"，或设置 BATON_SERVER 和 BATON_TOKEN。`,
    cannotReach: (server, reason) =>
      `无法连接位于 ${server} 的 Baton 服务器（${reason}）。请确认服务器正在运行且地址正确（--server、BATON_SERVER）。`,
    networkErrors: {
      ECONNREFUSED: '连接被拒绝',
      ENOTFOUND: '未知主机',
      ECONNRESET: '连接被重置',
      ETIMEDOUT: '超时',
      EHOSTUNREACH: '主机不可达',
      UND_ERR_CONNECT_TIMEOUT: '连接超时',
    },
    networkError: (phrase, code) => `${phrase}，${code}`,
    sessionExpired: '会话可能已过期：请运行 "baton login"。',
    notJson: (request, status, server) =>
      `${request}：服务器返回了 ${status}，但响应体不是 JSON。请确认 ${server} 是 Baton 服务器。`,
    noErrorBody: (request, status) => `${request}：服务器返回了 ${status}，但没有 Baton 的错误响应体。`,
    unexpectedList: (list) =>
      `服务器返回的${list === 'instances' ? '实例' : '任务'}列表格式不符合预期；请更新 baton CLI。`,
  },
};
