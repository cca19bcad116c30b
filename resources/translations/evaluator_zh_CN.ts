<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionsPanel</name>
    <message>
        <source>Session control</source>
        <translation>会话控制</translation>
    </message>
    <message>
        <source>Witness notes</source>
        <translation>见证记录</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Collusion and fraud warnings</source>
        <translation>围标串标预警</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reason (required, goes into the record)</source>
        <translation>原因（必填，将记入记录）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Message to every expert (they must acknowledge it)</source>
        <translation>发给全体专家的消息（专家须确认已读）</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>广播</translation>
    </message>
    <message>
        <source>Reason for the absence (required)</source>
        <translation>缺席原因（必填）</translation>
    </message>
    <message>
        <source>Mark absent</source>
        <translation>标记缺席</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>席位</translation>
    </message>
    <message>
        <source>Add as substitute expert</source>
        <translation>补选为评标专家</translation>
    </message>
    <message>
        <source>Pause / resume</source>
        <translation>暂停 / 恢复</translation>
    </message>
    <message>
        <source>Messages sent</source>
        <translation>已发消息</translation>
    </message>
    <message>
        <source>Absence</source>
        <translation>缺席</translation>
    </message>
    <message>
        <source>Substitute</source>
        <translation>补选专家</translation>
    </message>
    <message>
        <source>What you witnessed (signed with your certificate and archived with the session)</source>
        <translation>见证情况（将以您的数字证书签名，随会话存档）</translation>
    </message>
    <message>
        <source>Sign and send the witness note</source>
        <translation>签名并提交见证记录</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>尚无人</translation>
    </message>
    <message>
        <source>{time} {message} — read by: {read}</source>
        <translation>{time} {message} — 已读：{read}</translation>
    </message>
    <message>
        <source>received by the venue (receipt kept)</source>
        <translation>场地已接收（回执已保存）</translation>
    </message>
    <message>
        <source>refused: {why}</source>
        <translation>被拒绝：{why}</translation>
    </message>
    <message>
        <source>signed, waiting to be sent</source>
        <translation>已签名，等待发送</translation>
    </message>
    <message>
        <source>Substitute added; they declare next.</source>
        <translation>已补选专家，请其签署承诺书。</translation>
    </message>
    <message>
        <source>The session is paused; experts cannot submit until it resumes.</source>
        <translation>评标已暂停；恢复前专家不能提交。</translation>
    </message>
    <message>
        <source>The session has resumed.</source>
        <translation>评标已恢复。</translation>
    </message>
    <message>
        <source>Message sent to the experts.</source>
        <translation>消息已发给专家。</translation>
    </message>
    <message>
        <source>Marked absent.</source>
        <translation>已标记缺席。</translation>
    </message>
    <message>
        <source>Witness note</source>
        <translation>见证记录</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
</context>
<context>
    <name>AlertPanel</name>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>警报内容</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Alerts ({n} not acknowledged)</source>
        <translation>警报（{n} 条未确认）</translation>
    </message>
    <message>
        <source>{name} at {time}</source>
        <translation>{name} 于 {time} 确认</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
</context>
<context>
    <name>ArchiveTab</name>
    <message>
        <source>Export archive…</source>
        <translation>导出存档…</translation>
    </message>
    <message>
        <source>Open an archive and verify…</source>
        <translation>打开存档并核验…</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Session archive, verified offline</source>
        <translation>会话存档（离线核验）</translation>
    </message>
    <message>
        <source>Export archive</source>
        <translation>导出存档</translation>
    </message>
    <message>
        <source>Open archive</source>
        <translation>打开存档</translation>
    </message>
    <message>
        <source>Exporting {sid}…</source>
        <translation>正在导出 {sid}…</translation>
    </message>
    <message>
        <source>Archive of {sid} saved to {path}.</source>
        <translation>会话 {sid} 的存档已保存到 {path}。</translation>
    </message>
    <message>
        <source>Verifying offline…</source>
        <translation>正在离线核验…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>The archive is intact: all {n} checks passed.</source>
        <translation>存档完好：全部 {n} 项检查通过。</translation>
    </message>
    <message>
        <source>The archive FAILED verification: {items}</source>
        <translation>存档核验未通过：{items}</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>No data yet</source>
        <translation>暂无数据</translation>
    </message>
</context>
<context>
    <name>CentreWorkspace</name>
    <message>
        <source>Expert draw</source>
        <translation>专家抽取</translation>
    </message>
    <message>
        <source>New session</source>
        <translation>新建会话</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>会话跟踪</translation>
    </message>
    <message>
        <source>Collect</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>存档</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计分析</translation>
    </message>
    <message>
        <source>Trading centre workspace</source>
        <translation>交易中心工作台</translation>
    </message>
    <message>
        <source>{n} session(s) at the venue</source>
        <translation>场地共有 {n} 个会话</translation>
    </message>
</context>
<context>
    <name>CertificateBox</name>
    <message>
        <source>Holder: {name} ({id})</source>
        <translation>持有人：{name}（{id}）</translation>
    </message>
    <message>
        <source>Issued by: {ca}</source>
        <translation>签发机构：{ca}</translation>
    </message>
    <message>
        <source>Valid: {start} to {end}</source>
        <translation>有效期：{start} 至 {end}</translation>
    </message>
    <message>
        <source>{alg} signing certificate: used to log in and to sign</source>
        <translation>{alg} 签名证书：用于登录和签名</translation>
    </message>
    <message>
        <source>{alg} encryption certificate: it cannot log in or sign</source>
        <translation>{alg} 加密证书：不能用于登录和签名</translation>
    </message>
    <message>
        <source>Recognised: this CA is on the mutual-recognition list</source>
        <translation>受认可：该签发机构在互认信任列表中</translation>
    </message>
    <message>
        <source>Not recognised: {why}</source>
        <translation>不受认可：{why}</translation>
    </message>
</context>
<context>
    <name>CollectTab</name>
    <message>
        <source>Collect and verify</source>
        <translation>汇总并核验</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Technical</source>
        <translation>技术分</translation>
    </message>
    <message>
        <source>Commercial</source>
        <translation>商务分</translation>
    </message>
    <message>
        <source>Price score</source>
        <translation>价格分</translation>
    </message>
    <message>
        <source>Final score</source>
        <translation>最终得分</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>中标候选人</translation>
    </message>
    <message>
        <source>Rejected because</source>
        <translation>否决理由</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>评分项</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Others' mean</source>
        <translation>其他专家均分</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Signed sheet</source>
        <translation>签名评分表</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>核验</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Signed sheets</source>
        <translation>签名评分表</translation>
    </message>
    <message>
        <source>Per expert</source>
        <translation>各专家评分</translation>
    </message>
    <message>
        <source>Deviations</source>
        <translation>评分偏差</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Results from the signed sheets</source>
        <translation>由签名评分表汇总的结果</translation>
    </message>
    <message>
        <source>No session to collect yet: create one under New session.</source>
        <translation>还没有可汇总的会话：请先在「新建会话」中创建。</translation>
    </message>
    <message>
        <source>Collecting and verifying {sid}…</source>
        <translation>正在汇总并核验 {sid}…</translation>
    </message>
    <message>
        <source>Nothing to collect yet: {sid} is in {phase}; the signed score sheets are collected and verified from {summary} on.</source>
        <translation>尚无可汇总的内容：{sid} 处于「{phase}」阶段；进入「{summary}」阶段后才能汇总并核验已签名的评分表。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>(no explanation)</source>
        <translation>（未说明）</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>INVALID</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>{good} of {n} signed sheet(s) verified; the archive check {verdict}. Recommended: {candidates}.</source>
        <translation>{n} 份签名评分表中 {good} 份核验有效；存档核验{verdict}。推荐中标候选人：{candidates}。</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>未通过</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>● Connected to the venue</source>
        <translation>● 已连接场地服务器</translation>
    </message>
    <message>
        <source>○ Reconnecting…</source>
        <translation>○ 重新连接中…</translation>
    </message>
    <message>
        <source>○ Connecting…</source>
        <translation>○ 正在连接…</translation>
    </message>
    <message>
        <source>✕ Venue unreachable; retry in {s} s.</source>
        <translation>✕ 无法连接场地，{s} 秒后重试。</translation>
    </message>
    <message>
        <source>✕ Venue unreachable; retrying in {s} s. Your work is kept.</source>
        <translation>✕ 无法连接场地，{s} 秒后重试。已填写和签署的内容已保存在本机。</translation>
    </message>
    <message>
        <source>✕ Venue unreachable; retrying in {s} s. What is shown may be out of date.</source>
        <translation>✕ 无法连接场地；{s} 秒后重试。显示的内容可能不是最新的。</translation>
    </message>
    <message>
        <source>✕ Your login has expired: log in again</source>
        <translation>✕ 登录已过期，请重新登录</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>已断开</translation>
    </message>
</context>
<context>
    <name>CredentialFiles</name>
    <message>
        <source>Certificate files</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <source>Driver libraries</source>
        <translation>驱动程序</translation>
    </message>
    <message>
        <source>Certificate file ({kinds})</source>
        <translation>证书文件（{kinds}）</translation>
    </message>
    <message>
        <source>Supervising official's certificate file ({kinds})</source>
        <translation>监督人员本人的证书文件（{kinds}）</translation>
    </message>
</context>
<context>
    <name>DeclarationPage</name>
    <message>
        <source>Declaration of no conflict</source>
        <translation>评标承诺书</translation>
    </message>
    <message>
        <source>I have no conflict of interest with any of these bidders</source>
        <translation>本人与上述投标人均无利害关系</translation>
    </message>
    <message>
        <source>I must recuse myself (回避)</source>
        <translation>本人应当回避</translation>
    </message>
    <message>
        <source>Reason for the recusal (required)</source>
        <translation>回避理由（必填）</translation>
    </message>
    <message>
        <source>Sign and submit</source>
        <translation>签名并提交</translation>
    </message>
    <message>
        <source>Bidders of this lot:</source>
        <translation>本标段投标人：</translation>
    </message>
    <message>
        <source>Your declaration is signed and submitted.</source>
        <translation>您的承诺书已签名提交。</translation>
    </message>
    <message>
        <source>Declarations open once check-in is complete (now: {phase}).</source>
        <translation>签到完成后开放承诺书签署（当前：{phase}）。</translation>
    </message>
    <message>
        <source>The session is paused.</source>
        <translation>会话已暂停。</translation>
    </message>
    <message>
        <source>Choose one: no conflict, or recusal.</source>
        <translation>请选择：无利害关系，或申请回避。</translation>
    </message>
    <message>
        <source>A recusal needs a reason.</source>
        <translation>申请回避须填写理由。</translation>
    </message>
    <message>
        <source>recusal</source>
        <translation>回避申请</translation>
    </message>
    <message>
        <source>declaration of no conflict</source>
        <translation>评标承诺书</translation>
    </message>
</context>
<context>
    <name>DocumentsBox</name>
    <message>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Add document…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>通过</translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <source>Tender and bid documents</source>
        <translation>招标文件与投标文件</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>The documents open after the declarations: every expert signs the pledge first, then the tender and the bids are downloaded and verified here.</source>
        <translation>全体专家签署评标承诺书后开放招投标文件：届时将在此下载招标文件和投标文件并逐一核验。</translation>
    </message>
    <message>
        <source>Manifest signed by {who}; every document is checked against it before it is shown.</source>
        <translation>文件清单由 {who} 签名；每份文件在显示前都与清单核对。</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <source>downloading {p}%</source>
        <translation>下载中 {p}%</translation>
    </message>
    <message>
        <source>ready (verified)</source>
        <translation>已就绪（已核验）</translation>
    </message>
    <message>
        <source>refused: {why}</source>
        <translation>被拒绝：{why}</translation>
    </message>
</context>
<context>
    <name>DrawRequestBox</name>
    <message>
        <source>Choose the project file</source>
        <translation>请选择项目文件</translation>
    </message>
    <message>
        <source>Project file…</source>
        <translation>项目文件…</translation>
    </message>
    <message>
        <source>e.g. 济南</source>
        <translation>如 济南</translation>
    </message>
    <message>
        <source>At most one expert per employer</source>
        <translation>同一单位至多一人</translation>
    </message>
    <message>
        <source>Experts who declared a relation never sit together</source>
        <translation>申报有关系的专家不同时抽取</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>标段</translation>
    </message>
    <message>
        <source>Draw id</source>
        <translation>抽取编号</translation>
    </message>
    <message>
        <source>Tenderer's city</source>
        <translation>招标人所在城市</translation>
    </message>
    <message>
        <source>Specialty, experts, reserves</source>
        <translation>评标专业、人数、备选人数</translation>
    </message>
    <message>
        <source>Venue, city, seats</source>
        <translation>场地、城市、席位</translation>
    </message>
    <message>
        <source>Not drawn within (days)</source>
        <translation>近期已抽取回避（天）</translation>
    </message>
    <message>
        <source>At least from other cities</source>
        <translation>外地专家至少</translation>
    </message>
    <message>
        <source>Supervising official</source>
        <translation>监督人员</translation>
    </message>
    <message>
        <source>Their certificate file</source>
        <translation>其证书文件</translation>
    </message>
    <message>
        <source>Project file</source>
        <translation>项目文件</translation>
    </message>
    <message>
        <source>Supervising official's certificate file</source>
        <translation>监督人员的证书文件</translation>
    </message>
</context>
<context>
    <name>DrawTab</name>
    <message>
        <source>Import expert list…</source>
        <translation>导入专家名单…</translation>
    </message>
    <message>
        <source>1. Provincial expert pool</source>
        <translation>1. 省综合评标专家库</translation>
    </message>
    <message>
        <source>2. Draw request and avoidance rules</source>
        <translation>2. 抽取申请与回避规则</translation>
    </message>
    <message>
        <source>Commit, fix the pool, reveal and draw</source>
        <translation>承诺、固定专家库快照、揭示并抽取</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>抽取编号</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>抽取时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>评标专业</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>场地</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>席位</translation>
    </message>
    <message>
        <source>Open for the session…</source>
        <translation>开启（用于评标会话）…</translation>
    </message>
    <message>
        <source>Replace an expert…</source>
        <translation>替补专家…</translation>
    </message>
    <message>
        <source>Export record…</source>
        <translation>导出抽取记录…</translation>
    </message>
    <message>
        <source>Use for a new session</source>
        <translation>用于新建评标会话</translation>
    </message>
    <message>
        <source>3. Draw records (sealed to the centre until opened)</source>
        <translation>3. 抽取记录（开评前加密保存于交易中心）</translation>
    </message>
    <message>
        <source>Expert draw anyone can verify</source>
        <translation>人人可核验的专家抽取</translation>
    </message>
    <message>
        <source>{n} experts in the pool</source>
        <translation>专家库共 {n} 人</translation>
    </message>
    <message>
        <source>drawn, sealed</source>
        <translation>已抽取（密封）</translation>
    </message>
    <message>
        <source>opened</source>
        <translation>已开启</translation>
    </message>
    <message>
        <source>in a session</source>
        <translation>已用于评标会话</translation>
    </message>
    <message>
        <source>Expert list</source>
        <translation>专家名单</translation>
    </message>
    <message>
        <source>Nothing imported:</source>
        <translation>未导入任何专家：</translation>
    </message>
    <message>
        <source>{a} added, {u} updated.</source>
        <translation>新增 {a} 人，更新 {u} 人。</translation>
    </message>
    <message>
        <source>Choose a valid project file first.</source>
        <translation>请先选择有效的项目文件。</translation>
    </message>
    <message>
        <source>your commitment and the draw</source>
        <translation>您的承诺值与抽取结果</translation>
    </message>
    <message>
        <source>the draw</source>
        <translation>本次抽取</translation>
    </message>
    <message>
        <source>Centre's sealing key password</source>
        <translation>交易中心密封密钥密码</translation>
    </message>
    <message>
        <source>The centre's sealing key is made now: choose its password. Every sealed draw record is opened with it.</source>
        <translation>现在生成交易中心密封密钥：请设置其密码。每一份密封的抽取记录都要用它打开。</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>Drawing: every party commits, the pool is fixed, then they reveal…</source>
        <translation>正在抽取：各方先提交承诺值，再固定专家库快照，然后揭示…</translation>
    </message>
    <message>
        <source>Drawn {d} experts and {r} reserves from {p}; seed {s}. Excluded by rule: {x}</source>
        <translation>从 {p} 人中抽中 {d} 人、备选 {r} 人；种子 {s}。按规则排除：{x}</translation>
    </message>
    <message>
        <source>Choose a draw in the list first.</source>
        <translation>请先在列表中选择一次抽取。</translation>
    </message>
    <message>
        <source>Type the password of the centre's sealing key to open {id}.</source>
        <translation>请输入交易中心密封密钥的密码，以打开 {id}。</translation>
    </message>
    <message>
        <source>recused in the session: to be replaced</source>
        <translation>会话中已回避，需替补</translation>
    </message>
    <message>
        <source>absent in the session: to be replaced</source>
        <translation>会话中缺席，需替补</translation>
    </message>
    <message>
        <source>seated</source>
        <translation>在席</translation>
    </message>
    <message>
        <source>{id}: recomputed exactly ({n} checks); draws {d}</source>
        <translation>{id}：复算一致（{n} 项核验）；抽取 {d}</translation>
    </message>
    <message>
        <source>Open a draw first.</source>
        <translation>请先开启一条抽取记录。</translation>
    </message>
    <message>
        <source>Export record</source>
        <translation>导出抽取记录</translation>
    </message>
    <message>
        <source>Written {path}: evaluator draw verify checks it.</source>
        <translation>已写入 {path}：可用 evaluator draw verify 核验。</translation>
    </message>
</context>
<context>
    <name>ElectionPage</name>
    <message>
        <source>Elect the committee leader</source>
        <translation>推选评标委员会组长</translation>
    </message>
    <message>
        <source>Sign my vote</source>
        <translation>签名投票</translation>
    </message>
    <message>
        <source>{name} · {venue} {seat}</source>
        <translation>{name} · {venue} {seat}</translation>
    </message>
    <message>
        <source>Leader elected: {name}</source>
        <translation>已推选组长：{name}</translation>
    </message>
    <message>
        <source>Choose a member first.</source>
        <translation>请先选择一名委员。</translation>
    </message>
    <message>
        <source>vote for {name}</source>
        <translation>投票给 {name}</translation>
    </message>
</context>
<context>
    <name>EventLog</name>
    <message>
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
</context>
<context>
    <name>ExpertAids</name>
    <message>
        <source>&amp;Evaluation</source>
        <translation>评标(&amp;E)</translation>
    </message>
    <message>
        <source>Print the score sheet or the report…</source>
        <translation>打印评分表或评标报告…</translation>
    </message>
    <message>
        <source>Search in the documents</source>
        <translation>在招投标文件中查找</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Help for this step</source>
        <translation>本步骤说明</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>Score sheet</source>
        <translation>评分表</translation>
    </message>
    <message>
        <source>Evaluation report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>Nothing to print on this step: the score sheet prints from step {sheet} once prepared, the report from step {report}.</source>
        <translation>此步骤没有可打印的文件：评分表在第 {sheet} 步生成后可打印，评标报告在第 {report} 步。</translation>
    </message>
    <message>
        <source>Sent to the printer: {n} page(s).</source>
        <translation>已发送到打印机：共 {n} 页。</translation>
    </message>
    <message>
        <source>Your score sheet is not signed yet ({done}/{total} scored). The draft stays on this computer and comes back when you open the session again.</source>
        <translation>您的评分表尚未签名提交（已评 {done}/{total}）。草稿保存在本机，重新打开会话时会恢复。</translation>
    </message>
    <message>
        <source>Close with unsigned work?</source>
        <translation>有尚未签名的工作，确定关闭？</translation>
    </message>
    <message>
        <source>Close anyway?</source>
        <translation>仍要关闭吗？</translation>
    </message>
</context>
<context>
    <name>ExpertTable</name>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>场地</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>席位</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>在线状态</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Items scored</source>
        <translation>已评项数</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <source>{phase} · submitted</source>
        <translation>{phase} · 已提交</translation>
    </message>
</context>
<context>
    <name>FollowTab</name>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Present at each venue</source>
        <translation>各场地在线</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Open the session console</source>
        <translation>打开会话监控台</translation>
    </message>
    <message>
        <source>Every session across all venues</source>
        <translation>各场地的全部评标会话</translation>
    </message>
    <message>
        <source>Choose a session in the list first.</source>
        <translation>请先在列表中选择一个会话。</translation>
    </message>
    <message>
        <source>{n} session(s), {a} alert(s)</source>
        <translation>{n} 个会话，{a} 条告警</translation>
    </message>
</context>
<context>
    <name>GatePage</name>
    <message>
        <source>Preliminary review</source>
        <translation>初步评审</translation>
    </message>
    <message>
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Requirement</source>
        <translation>评审项</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Reason (required for a fail)</source>
        <translation>理由（不合格时必填）</translation>
    </message>
    <message>
        <source>Sign my preliminary review</source>
        <translation>签名提交初步评审意见</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>{bidder}: {reasons}</source>
        <translation>{bidder}：{reasons}</translation>
    </message>
    <message>
        <source>Review decided. Rejected:</source>
        <translation>初步评审已有结论，以下投标被否决：</translation>
    </message>
    <message>
        <source>Review decided: no bid was rejected.</source>
        <translation>初步评审已有结论：没有投标被否决。</translation>
    </message>
    <message>
        <source>Give the reason for each fail (row {row}).</source>
        <translation>请为每项“不合格”填写理由（第 {row} 行）。</translation>
    </message>
    <message>
        <source>preliminary review</source>
        <translation>初步评审意见</translation>
    </message>
</context>
<context>
    <name>Launcher</name>
    <message>
        <source>Remote bid evaluation: demo</source>
        <translation>远程异地评标 · 演示</translation>
    </message>
    <message>
        <source>Demo: a cross-city evaluation on this computer</source>
        <translation>演示：在本机上完成一次跨地区远程评标</translation>
    </message>
    <message>
        <source>The Jinan venue hosts the session; experts seated in Zibo connect to it. Click a person to open the application as them; their certificate file (or USB key) is chosen, type the password shown (a USB key's PIN).</source>
        <translation>济南主场主持评标，淄博副场的专家远程接入。点击人员即以其身份打开评标系统；证书文件（或 USB Key）已自动选好，输入表中所示密码（USB Key 即为 PIN）即可登录。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Venue / seat</source>
        <translation>场地 / 席位</translation>
    </message>
    <message>
        <source>In this session</source>
        <translation>在本次评标中</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书信息</translation>
    </message>
    <message>
        <source>Certificate password</source>
        <translation>证书密码</translation>
    </message>
    <message>
        <source>Committee member</source>
        <translation>评标委员会成员</translation>
    </message>
    <message>
        <source>Drawn later: not on the committee at first; when an expert recuses, the supplementary draw (same rules) seats them</source>
        <translation>补抽专家：开始时不在评标委员会内；有专家回避时，按同样规则补充抽取，由其入席</translation>
    </message>
    <message>
        <source>Watches the experts at this venue</source>
        <translation>监督本场地的专家</translation>
    </message>
    <message>
        <source>Creates the session, collects the results, archives</source>
        <translation>创建会话、汇总结果、存档</translation>
    </message>
    <message>
        <source>SM2 on the software SKF USB key; its PIN is the password shown</source>
        <translation>SM2 软件 SKF USB Key，PIN 即所示密码</translation>
    </message>
    <message>
        <source>SM2 key file</source>
        <translation>SM2 证书文件</translation>
    </message>
    <message>
        <source>ECDSA .p12 file</source>
        <translation>ECDSA .p12 证书文件</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Venue {url} · demo folder {dir}</source>
        <translation>场地服务 {url} · 演示目录 {dir}</translation>
    </message>
    <message>
        <source>{name}'s application is already open.</source>
        <translation>{name} 的评标系统已经打开。</translation>
    </message>
    <message>
        <source>Opened the application as {name} (password copied to the clipboard).</source>
        <translation>已以 {name} 的身份打开评标系统（密码已复制到剪贴板）。</translation>
    </message>
</context>
<context>
    <name>LobbyPage</name>
    <message>
        <source>Sessions I supervise</source>
        <translation>我监督的评标会话</translation>
    </message>
    <message>
        <source>My evaluation sessions</source>
        <translation>我的评标项目</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Venues</source>
        <translation>场地</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Open the supervision console</source>
        <translation>进入监督</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>进入评标</translation>
    </message>
    <message>
        <source>{n} session(s)</source>
        <translation>共 {n} 个评标会话</translation>
    </message>
    <message>
        <source>No session is assigned to you yet.</source>
        <translation>目前没有分配给您的评标会话。</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>Remote bid evaluation: log in</source>
        <translation>远程异地评标系统 · 登录</translation>
    </message>
    <message>
        <source>Log in with your digital certificate (USB key or certificate file)</source>
        <translation>请使用数字证书登录（USB Key 或证书文件）</translation>
    </message>
    <message>
        <source>USB key</source>
        <translation>USB Key</translation>
    </message>
    <message>
        <source>SM2 USB key (SKF)</source>
        <translation>国密 USB Key（SKF）</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>USB key driver:</source>
        <translation>USB Key 驱动：</translation>
    </message>
    <message>
        <source>USB key:</source>
        <translation>USB Key：</translation>
    </message>
    <message>
        <source>SKF library:</source>
        <translation>SKF 接口库：</translation>
    </message>
    <message>
        <source>SM2 USB key:</source>
        <translation>国密 USB Key：</translation>
    </message>
    <message>
        <source>Container:</source>
        <translation>容器：</translation>
    </message>
    <message>
        <source>Certificate file:</source>
        <translation>证书文件：</translation>
    </message>
    <message>
        <source>PIN:</source>
        <translation>PIN 码：</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书信息</translation>
    </message>
    <message>
        <source>Venue: {url}   Workstation: {ws}</source>
        <translation>场地：{url}　　工作站：{ws}</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Register this seat…</source>
        <translation>登记本机座位…</translation>
    </message>
    <message>
        <source>Once per seat: the one-time code the venue technician gave you</source>
        <translation>每个座位只需一次：输入场地技术人员提供的一次性登记码</translation>
    </message>
    <message>
        <source>Certificate file chosen: its certificate is shown once you log in.</source>
        <translation>已选择证书文件：输入密码并登录时显示证书信息。</translation>
    </message>
    <message>
        <source>No certificate chosen yet.</source>
        <translation>尚未选择证书。</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Register this seat</source>
        <translation>登记本机座位</translation>
    </message>
    <message>
        <source>One-time enrolment code from the venue technician:</source>
        <translation>场地技术人员提供的一次性登记码：</translation>
    </message>
    <message>
        <source>This seat is registered: {where}</source>
        <translation>本机座位已登记：{where}</translation>
    </message>
    <message>
        <source>PKCS#11 module</source>
        <translation>PKCS#11 模块</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Remote bid evaluation</source>
        <translation>远程异地评标</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>&amp;Application</source>
        <translation>系统(&amp;A)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>{name} · Remote bid evaluation</source>
        <translation>{name} · 远程异地评标</translation>
    </message>
    <message>
        <source>{name} ({role}) at {venue}{seat}</source>
        <translation>{name}（{role}）· {venue}{seat}</translation>
    </message>
    <message>
        <source>Connected to {url}</source>
        <translation>已连接 {url}</translation>
    </message>
</context>
<context>
    <name>MovesPanel</name>
    <message>
        <source>Done: {what}</source>
        <translation>已完成：{what}</translation>
    </message>
</context>
<context>
    <name>NewSessionWizard</name>
    <message>
        <source>Project file (.json)</source>
        <translation>项目文件（.json）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value found</source>
        <translation>实际值</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>1. Project file and evaluation plan</source>
        <translation>1. 项目文件与评标办法</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>投标报价</translation>
    </message>
    <message>
        <source>2. Session and bidders</source>
        <translation>2. 会话与投标人</translation>
    </message>
    <message>
        <source>Session id</source>
        <translation>会话编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>标段</translation>
    </message>
    <message>
        <source>Main venue</source>
        <translation>主场</translation>
    </message>
    <message>
        <source>Scheduled start</source>
        <translation>计划开始时间</translation>
    </message>
    <message>
        <source>3. Tender and bid documents</source>
        <translation>3. 招标文件与投标文件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>场地</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>席位</translation>
    </message>
    <message>
        <source>Assign →</source>
        <translation>分配 →</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>4. Committee and supervisors</source>
        <translation>4. 评标委员会与监督人员</translation>
    </message>
    <message>
        <source>Create session and open check-in</source>
        <translation>创建会话并开始签到</translation>
    </message>
    <message>
        <source>New evaluation session</source>
        <translation>新建评标会话</translation>
    </message>
    <message>
        <source>Project file</source>
        <translation>项目文件</translation>
    </message>
    <message>
        <source>Project files (*.json)</source>
        <translation>项目文件 (*.json)</translation>
    </message>
    <message>
        <source>The project file is valid: {n} lot(s).</source>
        <translation>项目文件有效：共 {n} 个标段。</translation>
    </message>
    <message>
        <source>The project file has {n} problem(s); fix them and choose it again.</source>
        <translation>项目文件有 {n} 处问题，请修改后重新选择。</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>不予分配：{why}</translation>
    </message>
    <message>
        <source>{name} assigned to {venue}, seat {seat}.</source>
        <translation>{name} 已分配到 {venue}，席位 {seat}。</translation>
    </message>
    <message>
        <source>{n} experts taken from draw {id}, with their seats.</source>
        <translation>已从抽取 {id} 导入 {n} 名专家及其席位。</translation>
    </message>
    <message>
        <source>Choose a valid project file first.</source>
        <translation>请先选择有效的项目文件。</translation>
    </message>
    <message>
        <source>the document manifest of {sid}</source>
        <translation>会话 {sid} 的文件清单</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>Uploading documents and creating the session…</source>
        <translation>正在上传文件并创建会话…</translation>
    </message>
    <message>
        <source>Session {sid} created; its documents are signed and check-in is open.</source>
        <translation>会话 {sid} 已创建，文件清单已签名，签到已开始。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
</context>
<context>
    <name>PdfPane</name>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>查找…</translation>
    </message>
    <message>
        <source>Search in this document (Ctrl+F, Enter for the next)</source>
        <translation>在本文件中查找（Ctrl+F；回车查找下一处）</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>Phase</name>
    <message>
        <source>Preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <source>Check-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Declarations</source>
        <translation>签署承诺书</translation>
    </message>
    <message>
        <source>Leader election</source>
        <translation>推选组长</translation>
    </message>
    <message>
        <source>Preliminary review</source>
        <translation>初步评审</translation>
    </message>
    <message>
        <source>Detailed scoring</source>
        <translation>详细评审</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Report signing</source>
        <translation>签署评标报告</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>{what}: the reason goes into the record.</source>
        <translation>{what}：原因将记入记录。</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ReplaceDialog</name>
    <message>
        <source>Replace an expert</source>
        <translation>替补专家</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>替补</translation>
    </message>
    <message>
        <source>Who leaves?</source>
        <translation>哪位专家离开？</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>原因类别</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ReplacementActions</name>
    <message>
        <source>Supervising official's certificate password</source>
        <translation>监督人员的证书密码</translation>
    </message>
    <message>
        <source>{name} (supervising official): type the password of your certificate file to sign {what}.</source>
        <translation>{name}（监督人员）：请输入您的证书文件密码，以签署{what}。</translation>
    </message>
    <message>
        <source>Open a draw first.</source>
        <translation>请先开启一条抽取记录。</translation>
    </message>
    <message>
        <source>the replacement</source>
        <translation>替补记录</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Replaced by {who}.</source>
        <translation>由 {who} 替补。</translation>
    </message>
    <message>
        <source>No running session of this draw has {name}: nothing sent.</source>
        <translation>没有进行中的评标会话有{name}：未发送。</translation>
    </message>
    <message>
        <source>{title}: record attached, {who} seated at {where}.</source>
        <translation>{title}：抽取记录已附加，{who}已安排在{where}座位。</translation>
    </message>
    <message>
        <source>{title}: record attached; nobody seated.</source>
        <translation>{title}：抽取记录已附加；无人入座。</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Evaluation report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>{name} · report</source>
        <translation>{name} · 评标报告</translation>
    </message>
    <message>
        <source>If you do not agree, write your reasons here (required by law for a member who does not sign)</source>
        <translation>如不同意评标结论，请在此写明理由（依法不签字的委员必须说明理由）</translation>
    </message>
    <message>
        <source>Load the newest report</source>
        <translation>获取最新评标报告</translation>
    </message>
    <message>
        <source>Sign the report</source>
        <translation>签署评标报告</translation>
    </message>
    <message>
        <source>Record dissent instead of signing</source>
        <translation>不签字，提交不同意见</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Signed: {s}. Dissented: {d}. Still to act: {p}.</source>
        <translation>已签署：{s}。持不同意见：{d}。尚未签署：{p}。</translation>
    </message>
    <message>
        <source>the evaluation report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>Your signature was added to the report.</source>
        <translation>您的签名已加入评标报告。</translation>
    </message>
    <message>
        <source>Write your reasons first: a member who does not sign must give them.</source>
        <translation>请先写明理由：不签字的委员必须说明理由。</translation>
    </message>
    <message>
        <source>dissent from the report</source>
        <translation>对评标报告的不同意见</translation>
    </message>
</context>
<context>
    <name>ReportTab</name>
    <message>
        <source>Show report</source>
        <translation>查看报告</translation>
    </message>
    <message>
        <source>Committee member</source>
        <translation>评标委员会成员</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签署</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>Evaluation report and its signatures</source>
        <translation>评标报告及签署情况</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>已签</translation>
    </message>
    <message>
        <source>dissented (reasons in the report)</source>
        <translation>不同意见（理由载入报告）</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待签</translation>
    </message>
    <message>
        <source>Revision {rev}: {s} signed, {d} dissented, {p} pending.</source>
        <translation>第 {rev} 版：已签 {s} 人，不同意见 {d} 人，待签 {p} 人。</translation>
    </message>
</context>
<context>
    <name>ResultsTable</name>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Final score</source>
        <translation>最终得分</translation>
    </message>
    <message>
        <source>Technical</source>
        <translation>技术分</translation>
    </message>
    <message>
        <source>Commercial</source>
        <translation>商务分</translation>
    </message>
    <message>
        <source>Price score</source>
        <translation>价格分</translation>
    </message>
    <message>
        <source>Bid price (yuan)</source>
        <translation>投标报价（元）</translation>
    </message>
    <message>
        <source>{bidder} (recommended candidate)</source>
        <translation>{bidder}（中标候选人）</translation>
    </message>
    <message>
        <source>{bidder}: {reasons}</source>
        <translation>{bidder}：{reasons}</translation>
    </message>
    <message>
        <source>(no reason on record)</source>
        <translation>（未记录理由）</translation>
    </message>
    <message>
        <source>Rejected at the preliminary review:</source>
        <translation>初步评审否决：</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Review and sign the score sheet</source>
        <translation>核对并签署评分表</translation>
    </message>
    <message>
        <source>Prepare the sheet for signing</source>
        <translation>生成待签评分表</translation>
    </message>
    <message>
        <source>Sign and submit</source>
        <translation>签名并提交</translation>
    </message>
    <message>
        <source>The session is still loading.</source>
        <translation>会话仍在加载中。</translation>
    </message>
    <message>
        <source>Your signed sheet was received by the venue. To change it (after the leader returns it), prepare the sheet again.</source>
        <translation>您签名的评分表场地已接收。如需修改（组长退回后），请重新生成待签评分表。</translation>
    </message>
    <message>
        <source>Prepare the sheet first: the PDF you will sign is shown here.</source>
        <translation>请先生成待签评分表：将要签名的 PDF 显示在此处。</translation>
    </message>
    <message>
        <source>Checking the sheet with the venue and building its PDF…</source>
        <translation>正在由场地核对评分表并生成 PDF…</translation>
    </message>
    <message>
        <source>SHA-256 of this PDF (bound in the signed data): {sha}</source>
        <translation>本 PDF 的 SHA-256（已写入所签评分数据）：{sha}</translation>
    </message>
    <message>
        <source>This is exactly the sheet you will sign. Check it, then sign.</source>
        <translation>这就是您将要签署的评分表，请核对无误后签名。</translation>
    </message>
    <message>
        <source>score sheet, version {v}</source>
        <translation>评分表（第 {v} 版）</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>正在签名…</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>监督人员</translation>
    </message>
    <message>
        <source>Trading centre</source>
        <translation>交易中心</translation>
    </message>
</context>
<context>
    <name>ScoringPage</name>
    <message>
        <source>Detailed scoring</source>
        <translation>详细评审</translation>
    </message>
    <message>
        <source>Comment on this score (optional)</source>
        <translation>评分意见（选填）</translation>
    </message>
    <message>
        <source>Written explanation: required because this score deviates from the others</source>
        <translation>书面说明：该评分与其他专家差异较大，必须说明理由</translation>
    </message>
    <message>
        <source>Show these pages</source>
        <translation>查看这些页</translation>
    </message>
    <message>
        <source>Price points (computed)</source>
        <translation>价格分（系统计算）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Scoring opens when the preliminary review is decided.</source>
        <translation>初步评审有结论后开始详细评分。</translation>
    </message>
    <message>
        <source>Draft restored: {n} scores typed earlier are back from this computer's journal.</source>
        <translation>草稿已恢复：之前录入的 {n} 项评分已从本机日志载入。</translation>
    </message>
    <message>
        <source>Type a score and press Tab or an arrow key; every score is saved at once.</source>
        <translation>输入分数后按 Tab 或方向键；每项分数都会立即保存。</translation>
    </message>
    <message>
        <source>Scores you typed at another seat were merged into this draft.</source>
        <translation>您在其他座位录入的评分已合并到本草稿。</translation>
    </message>
    <message>
        <source>Pages answering it: {pages}</source>
        <translation>投标文件中对应页：第 {pages} 页</translation>
    </message>
    <message>
        <source>Deviation: explain this score</source>
        <translation>评分偏差较大：请说明理由</translation>
    </message>
</context>
<context>
    <name>SessionWindow</name>
    <message>
        <source>You recused yourself and the centre has seated a substitute: the session goes on without you. Nothing more to do here; you may close this window.</source>
        <translation>您已申请回避，交易中心已安排替补专家，评标将在没有您的情况下继续。此处无需再做任何操作，可以关闭本窗口。</translation>
    </message>
    <message>
        <source>recused</source>
        <translation>已回避（已由替补专家接替）</translation>
    </message>
    <message>
        <source>Phase: {phase}</source>
        <translation>当前阶段：{phase}</translation>
    </message>
    <message>
        <source>No longer following this session</source>
        <translation>已不再跟随本会话</translation>
    </message>
    <message>
        <source>{name} · session {id}</source>
        <translation>{name} · 评标会话 {id}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>I have read it</source>
        <translation>我已阅读</translation>
    </message>
    <message>
        <source>Declaration</source>
        <translation>承诺书</translation>
    </message>
    <message>
        <source>Leader election</source>
        <translation>推选组长</translation>
    </message>
    <message>
        <source>Preliminary review</source>
        <translation>初步评审</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>招投标文件</translation>
    </message>
    <message>
        <source>Scoring</source>
        <translation>详细评分</translation>
    </message>
    <message>
        <source>Review and sign</source>
        <translation>核对签名</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Evaluation report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>Warnings (围标串标)</source>
        <translation>围标串标预警</translation>
    </message>
    <message>
        <source>The session is paused by the supervisor. Your work is kept; please wait.</source>
        <translation>监督人员已暂停评标。您的评分已保存，请稍候。</translation>
    </message>
    <message>
        <source>{n} signed item(s) waiting to be sent</source>
        <translation>{n} 份已签名内容等待发送</translation>
    </message>
    <message>
        <source>Everything signed has been received</source>
        <translation>已签名的内容均已送达</translation>
    </message>
    <message>
        <source>Message from {name}: {text}</source>
        <translation>来自 {name} 的通知：{text}</translation>
    </message>
    <message>
        <source>The leader election was tied: please vote again.</source>
        <translation>组长推选出现平票，请重新投票。</translation>
    </message>
    <message>
        <source>The session moved on: {phase}</source>
        <translation>评标已进入下一阶段：{phase}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>SM4-GCM (national algorithm)</source>
        <translation>SM4-GCM（国密）</translation>
    </message>
    <message>
        <source>How bid documents are encrypted while they are kept on this computer during a session. SM4-GCM is the national (国密) cipher, for sites whose 密评 (GB/T 39786) assessment asks for national algorithms throughout; AES-256-GCM otherwise. A change applies to the next session opened.</source>
        <translation>评标期间投标文件在本机缓存时的加密方式。SM4-GCM 为国密算法，适用于密评（GB/T 39786）要求全程使用国密算法的场地；其他情况用 AES-256-GCM。更改后，下次打开的评标会话生效。</translation>
    </message>
    <message>
        <source>e.g. 0x80008104 (see docs/guomi.md)</source>
        <translation>例如 0x80008104（见 docs/guomi.md）</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>Text size:</source>
        <translation>字号：</translation>
    </message>
    <message>
        <source>Main venue (hosts the sessions):</source>
        <translation>主场场地服务（主持评标）：</translation>
    </message>
    <message>
        <source>Secondary venue (where you sit, if different):</source>
        <translation>副场场地服务（您所在场地，如不同）：</translation>
    </message>
    <message>
        <source>Workstation id:</source>
        <translation>工作站编号：</translation>
    </message>
    <message>
        <source>Trust list file:</source>
        <translation>信任列表文件：</translation>
    </message>
    <message>
        <source>Centre certificate that signs the trust list:</source>
        <translation>信任列表签名证书（交易中心）：</translation>
    </message>
    <message>
        <source>CA certificates for the venue connection (one file per line):</source>
        <translation>场地连接所用 CA 证书（每行一个文件）：</translation>
    </message>
    <message>
        <source>USB key driver (PKCS#11 module):</source>
        <translation>USB Key 驱动（PKCS#11 模块）：</translation>
    </message>
    <message>
        <source>SM2 USB key driver (SKF library):</source>
        <translation>国密 USB Key 驱动（SKF 接口库）：</translation>
    </message>
    <message>
        <source>PKCS#11 SM2 mechanism, signs the SM3 digest:</source>
        <translation>PKCS#11 SM2 机制（签名 SM3 杂凑值）：</translation>
    </message>
    <message>
        <source>PKCS#11 SM2 mechanism, hashes in the key:</source>
        <translation>PKCS#11 SM2 机制（在 USB Key 内计算杂凑）：</translation>
    </message>
    <message>
        <source>Document cache cipher:</source>
        <translation>文档缓存加密算法：</translation>
    </message>
    <message>
        <source>A change of language takes effect when the application starts again.</source>
        <translation>更改语言后，重新启动本系统生效。</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>{name}: type the PIN of your USB key to sign {what}.</source>
        <translation>{name}：请输入 USB Key 的 PIN 以签署{what}。</translation>
    </message>
    <message>
        <source>{name}: type the password of the certificate file {file} to sign {what}.</source>
        <translation>{name}：请输入证书文件 {file} 的密码以签署{what}。</translation>
    </message>
    <message>
        <source>Signed content cannot be changed afterwards.</source>
        <translation>签署后内容不可更改。</translation>
    </message>
    <message>
        <source>USB key PIN</source>
        <translation>USB Key PIN 码</translation>
    </message>
    <message>
        <source>Certificate file password</source>
        <translation>证书文件密码</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>SkfKeyRows</name>
    <message>
        <source>SKF library of the SM2 USB key (from its vendor), e.g. libskf.so or skf.dll</source>
        <translation>国密 USB Key 厂商提供的 SKF 接口库，例如 libskf.so 或 skf.dll</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>No SM2 USB key found: plug it in</source>
        <translation>未找到国密 USB Key，请插入</translation>
    </message>
    <message>
        <source>The PIN is locked.</source>
        <translation>PIN 码已锁定。</translation>
    </message>
    <message>
        <source>{n} PIN tries left before the key locks.</source>
        <translation>PIN 码还可尝试 {n} 次，之后 USB Key 将锁定。</translation>
    </message>
    <message>
        <source>This container holds no signing certificate: it cannot log in.</source>
        <translation>该容器中没有签名证书，无法登录。</translation>
    </message>
    <message>
        <source>This container holds a certificate pair: the signing certificate (shown) logs in and signs; the encryption certificate is not used for that.</source>
        <translation>该容器中有一对证书：登录和签名使用签名证书（即上面显示的证书），加密证书不用于登录和签名。</translation>
    </message>
    <message>
        <source>This container holds a signing certificate only (shown).</source>
        <translation>该容器中只有签名证书（即上面显示的证书）。</translation>
    </message>
    <message>
        <source>SKF library</source>
        <translation>SKF 接口库</translation>
    </message>
</context>
<context>
    <name>StatisticsTab</name>
    <message>
        <source>Per month</source>
        <translation>按月</translation>
    </message>
    <message>
        <source>Per quarter</source>
        <translation>按季度</translation>
    </message>
    <message>
        <source>Per year</source>
        <translation>按年</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>会话数</translation>
    </message>
    <message>
        <source>Bidders</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Experts</source>
        <translation>专家人数</translation>
    </message>
    <message>
        <source>Deviation flags</source>
        <translation>评分偏差</translation>
    </message>
    <message>
        <source>Rejected bids</source>
        <translation>否决投标</translation>
    </message>
    <message>
        <source>Average minutes</source>
        <translation>平均时长（分钟）</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Figures are computed on this computer and stay in the centre.</source>
        <translation>数据在本机计算，仅限交易中心内部使用，不上传。</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>场地</translation>
    </message>
    <message>
        <source>Lots</source>
        <translation>标段数</translation>
    </message>
    <message>
        <source>Longest minutes</source>
        <translation>最长时长（分钟）</translation>
    </message>
    <message>
        <source>Recusals</source>
        <translation>回避</translation>
    </message>
    <message>
        <source>Transaction statistics</source>
        <translation>交易数据分析</translation>
    </message>
    <message>
        <source>{n} session(s) counted.</source>
        <translation>已统计 {n} 个会话。</translation>
    </message>
    <message>
        <source>all venues</source>
        <translation>全部场地</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>{n} row(s) written to {path}.</source>
        <translation>已写入 {n} 行到 {path}。</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>Signed and received by the venue (receipt kept).</source>
        <translation>已签名并送达场地（回执已保存）。</translation>
    </message>
    <message>
        <source>The venue refused it: {why}</source>
        <translation>场地未接受：{why}</translation>
    </message>
    <message>
        <source>Signed and kept safe on this computer; it will be sent as soon as the venue is reachable.</source>
        <translation>已签名并安全保存在本机，场地连接恢复后将自动发送。</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Summary of the committee</source>
        <translation>评标委员会汇总结果</translation>
    </message>
    <message>
        <source>Reason for returning the sheet (required)</source>
        <translation>退回评分表的理由（必填）</translation>
    </message>
    <message>
        <source>Return this expert's sheet for revision</source>
        <translation>退回该专家的评分表重新评分</translation>
    </message>
    <message>
        <source>Leader:</source>
        <translation>组长：</translation>
    </message>
    <message>
        <source>The session is paused.</source>
        <translation>会话已暂停。</translation>
    </message>
    <message>
        <source>Sheets can be returned in the summary phase only.</source>
        <translation>只能在汇总阶段退回评分表。</translation>
    </message>
    <message>
        <source>The sheet of {name} was returned; the session is back in detailed scoring.</source>
        <translation>已退回 {name} 的评分表，评标回到详细评审阶段。</translation>
    </message>
</context>
<context>
    <name>SummaryTab</name>
    <message>
        <source>Scores are shown to supervisors from the summary phase on, never before.</source>
        <translation>汇总阶段开始后才向监督人员显示评分，此前一律不显示。</translation>
    </message>
    <message>
        <source>Show the summary</source>
        <translation>查看汇总结果</translation>
    </message>
    <message>
        <source>Summary of the venue (phase: {phase}).</source>
        <translation>场地汇总结果（阶段：{phase}）。</translation>
    </message>
</context>
<context>
    <name>SupervisorWindow</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>{name} ({role}) at {venue}</source>
        <translation>{name}（{role}）· {venue}</translation>
    </message>
    <message>
        <source>Session {id} · phase: {phase} · main venue: {main}</source>
        <translation>会话 {id} · 阶段：{phase} · 主场：{main}</translation>
    </message>
    <message>
        <source>{name} · supervisor console — {id}</source>
        <translation>{name} · 监督台 — {id}</translation>
    </message>
    <message>
        <source>{title} ({n} alert(s))</source>
        <translation>{title}（{n} 条警报）</translation>
    </message>
    <message>
        <source>⚠ {n} alert(s) not acknowledged</source>
        <translation>⚠ {n} 条警报尚未确认</translation>
    </message>
    <message>
        <source>The session is paused: experts cannot submit until it resumes.</source>
        <translation>评标已暂停：恢复前专家不能提交。</translation>
    </message>
</context>
<context>
    <name>TextSize</name>
    <message>
        <source>Text size</source>
        <translation>字号</translation>
    </message>
    <message>
        <source>Larger</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Smaller</source>
        <translation>缩小</translation>
    </message>
</context>
<context>
    <name>TokenRows</name>
    <message>
        <source>PKCS#11 module of the USB key, e.g. /usr/lib/softhsm/libsofthsm2.so</source>
        <translation>USB Key 驱动（PKCS#11 模块），例如 /usr/lib/softhsm/libsofthsm2.so</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>No USB key found: plug it in</source>
        <translation>未找到 USB Key，请插入</translation>
    </message>
    <message>
        <source>The PIN is locked.</source>
        <translation>PIN 码已锁定。</translation>
    </message>
    <message>
        <source>Last try before the PIN locks!</source>
        <translation>最后一次机会，再输错 PIN 码将被锁定！</translation>
    </message>
    <message>
        <source>Few PIN tries left.</source>
        <translation>PIN 码剩余尝试次数不多。</translation>
    </message>
</context>
<context>
    <name>WarningsPage</name>
    <message>
        <source>Collusion and fraud warnings</source>
        <translation>围标串标预警</translation>
    </message>
    <message>
        <source>The committee's reasons (required)</source>
        <translation>委员会的理由（必填）</translation>
    </message>
    <message>
        <source>Sign the committee's decision</source>
        <translation>签名记录委员会处理意见</translation>
    </message>
    <message>
        <source>Decision:</source>
        <translation>处理意见：</translation>
    </message>
    <message>
        <source>The previous decision is still being sent…</source>
        <translation>上一条决定正在签名提交，请稍候…</translation>
    </message>
    <message>
        <source>Choose a warning and write the committee's reasons.</source>
        <translation>请选择一条预警并写明委员会的理由。</translation>
    </message>
    <message>
        <source>the committee's decision on a warning</source>
        <translation>委员会对预警的处理意见</translation>
    </message>
</context>
<context>
    <name>WarningsTable</name>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Bidders</source>
        <translation>投标人</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Committee's decision</source>
        <translation>委员会处理意见</translation>
    </message>
    <message>
        <source>not decided</source>
        <translation>尚未处理</translation>
    </message>
    <message>
        <source>Analysing the bids… ({done}/{total})</source>
        <translation>正在分析投标文件…（{done}/{total}）</translation>
    </message>
    <message>
        <source>The analysis starts when the centre publishes the documents.</source>
        <translation>交易中心发布招投标文件后开始分析。</translation>
    </message>
    <message>
        <source>The analysis failed: {why}</source>
        <translation>分析失败：{why}</translation>
    </message>
    <message>
        <source>{n} warning(s). The software finds evidence; the committee decides.</source>
        <translation>共 {n} 条预警。系统只提供线索，由评标委员会认定。</translation>
    </message>
</context>
<context>
    <name>draw_prompts</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
<context><name>QAbstractFileIconProvider</name><message><source>Drive</source><translation>驱动器</translation></message><message><source>File Folder</source><translation>文件夹</translation></message><message><source>Folder</source><translation>文件夹</translation></message><message><source>Shortcut</source><translation>快捷方式</translation></message><message><source>Unknown</source><translation>未知</translation></message></context><context><name>QFileDialog</name><message><source>&amp;Look in:</source><translation>查找范围(&amp;L)：</translation></message><message><source>Files of &amp;type:</source><translation>文件类型(&amp;T)：</translation></message><message><source>Files of type:</source><translation>文件类型：</translation></message><message><source>Look in:</source><translation>查找范围：</translation></message></context><context><name>QPrintSettingsOutput</name><message><source>Page &amp;Set:</source><translation>页面集(&amp;S)：</translation></message></context></TS>