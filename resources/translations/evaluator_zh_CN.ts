<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>DeclarationPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="14" />
        <source>Declaration of no conflict</source>
        <translation>评标承诺书</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="19" />
        <source>I have no conflict of interest with any of these bidders</source>
        <translation>本人与上述投标人均无利害关系</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="20" />
        <source>I must recuse myself (回避)</source>
        <translation>本人应当回避</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="25" />
        <source>Reason for the recusal (required)</source>
        <translation>回避理由（必填）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="29" />
        <source>Sign and submit</source>
        <translation>签名并提交</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="32" />
        <source>Bidders of this lot:</source>
        <translation>本标段投标人：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="46" />
        <source>Choose one: no conflict, or recusal.</source>
        <translation>请选择：无利害关系，或申请回避。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="51" />
        <source>A recusal needs a reason.</source>
        <translation>申请回避须填写理由。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="53" />
        <source>recusal</source>
        <translation>回避申请</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/declaration_page.py" line="53" />
        <source>declaration of no conflict</source>
        <translation>评标承诺书</translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="26" />
        <source>Tender and bid documents</source>
        <translation>招标文件与投标文件</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="28" />
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="28" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="28" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="80" />
        <source>Manifest signed by {who}; every document is checked against it before it is shown.</source>
        <translation>文件清单由 {who} 签名；每份文件在显示前都与清单核对。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="88" />
        <source>waiting</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="89" />
        <source>downloading {p}%</source>
        <translation>下载中 {p}%</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="90" />
        <source>ready (verified)</source>
        <translation>已就绪（已核验）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/documents_page.py" line="91" />
        <source>refused: {why}</source>
        <translation>已拒绝：{why}</translation>
    </message>
</context>
<context>
    <name>ElectionPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="15" />
        <source>Elect the committee leader</source>
        <translation>推选评标委员会组长</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="17" />
        <source>Sign my vote</source>
        <translation>签名投票</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="28" />
        <source>{name} · {venue} {seat}</source>
        <translation>{name} · {venue} {seat}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="36" />
        <source>Leader elected: {name}</source>
        <translation>已推选组长：{name}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="43" />
        <source>Choose a member first.</source>
        <translation>请先选择一名委员。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/election_page.py" line="46" />
        <source>vote for {name}</source>
        <translation>投票给 {name}</translation>
    </message>
</context>
<context>
    <name>GatePage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="17" />
        <source>Preliminary review</source>
        <translation>初步评审</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="19" />
        <source>Bidder</source>
        <translation>投标人</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="19" />
        <source>Requirement</source>
        <translation>评审项</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="19" />
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="19" />
        <source>Reason (required for a fail)</source>
        <translation>理由（不合格时必填）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="21" />
        <source>Sign my preliminary review</source>
        <translation>签名提交初步评审意见</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="43" />
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="43" />
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="52" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="53" />
        <source>Review decided. Rejected: {who}</source>
        <translation>初步评审已有结论。被否决：{who}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="68" />
        <source>Give the reason for each fail (row {row}).</source>
        <translation>请为每项“不合格”填写理由（第 {row} 行）。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/gate_page.py" line="71" />
        <source>preliminary review</source>
        <translation>初步评审意见</translation>
    </message>
</context>
<context>
    <name>LobbyPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="26" />
        <source>My evaluation sessions</source>
        <translation>我的评标项目</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="29" />
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="29" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="29" />
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="29" />
        <source>Venues</source>
        <translation>场地</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="29" />
        <source>Start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="36" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="38" />
        <source>Open session</source>
        <translation>进入评标</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="68" />
        <source>{n} session(s)</source>
        <translation>共 {n} 个评标会话</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/lobby_page.py" line="68" />
        <source>No session is assigned to you yet.</source>
        <translation>目前没有分配给您的评标会话。</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="43" />
        <source>Remote bid evaluation: log in</source>
        <translation>远程异地评标系统 · 登录</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="45" />
        <source>Log in with your digital certificate (USB key or certificate file)</source>
        <translation>请使用数字证书登录（USB Key 或证书文件）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="48" />
        <source>USB key</source>
        <translation>USB Key</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="49" />
        <source>Certificate file (.p12 / .pfx)</source>
        <translation>证书文件（.p12 / .pfx）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="59" />
        <source>PKCS#11 module of the USB key, e.g. /usr/lib/softhsm/libsofthsm2.so</source>
        <translation>USB Key 驱动（PKCS#11 模块），例如 /usr/lib/softhsm/libsofthsm2.so</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="60" />
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="70" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="69" />
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="171" />
        <source>Certificate file</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="83" />
        <source>USB key driver:</source>
        <translation>USB Key 驱动：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="84" />
        <source>USB key:</source>
        <translation>USB Key：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="85" />
        <source>Certificate file:</source>
        <translation>证书文件：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="86" />
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="136" />
        <source>PIN:</source>
        <translation>PIN 码：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="90" />
        <source>Certificate</source>
        <translation>证书信息</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="91" />
        <source>No certificate chosen yet.</source>
        <translation>尚未选择证书。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="96" />
        <source>Venue: {url}   Workstation: {ws}</source>
        <translation>场地：{url}　　工作站：{ws}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="101" />
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="161" />
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="136" />
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="145" />
        <source>Holder: {name} ({id})</source>
        <translation>持有人：{name}（{id}）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="146" />
        <source>Issued by: {ca}</source>
        <translation>签发机构：{ca}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="147" />
        <source>Valid: {start} to {end}</source>
        <translation>有效期：{start} 至 {end}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="150" />
        <source>Recognised: this CA is on the mutual-recognition list</source>
        <translation>受认可：该签发机构在互认信任列表中</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="153" />
        <source>Not recognised: {why}</source>
        <translation>不受认可：{why}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="161" />
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="165" />
        <source>PKCS#11 module</source>
        <translation>PKCS#11 模块</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="165" />
        <source>Libraries (*.so *.dll *.dylib)</source>
        <translation>驱动程序（*.so *.dll *.dylib）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="171" />
        <source>Certificates (*.p12 *.pfx)</source>
        <translation>证书文件（*.p12 *.pfx）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="195" />
        <source>No USB key found: plug it in</source>
        <translation>未找到 USB Key，请插入</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="204" />
        <source>The PIN is locked.</source>
        <translation>PIN 码已锁定。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="205" />
        <source>Last try before the PIN locks!</source>
        <translation>最后一次机会，再输错 PIN 码将被锁定！</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/login_page.py" line="206" />
        <source>Few PIN tries left.</source>
        <translation>PIN 码剩余尝试次数不多。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/main_window.py" line="30" />
        <source>Remote bid evaluation</source>
        <translation>远程异地评标</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/main_window.py" line="37" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/main_window.py" line="47" />
        <source>{name} ({role}) at {venue}{seat}</source>
        <translation>{name}（{role}）· {venue}{seat}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/main_window.py" line="48" />
        <source>Connected to {url}</source>
        <translation>已连接 {url}</translation>
    </message>
</context>
<context>
    <name>PdfPane</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pdf_pane.py" line="66" />
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pdf_pane.py" line="71" />
        <source>Search in this document</source>
        <translation>在本文件中查找</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pdf_pane.py" line="75" />
        <source>Page</source>
        <translation>页</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pdf_pane.py" line="123" />
        <source>not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>Phase</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="10" />
        <source>Preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="11" />
        <source>Check-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="12" />
        <source>Declarations</source>
        <translation>签署承诺书</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="13" />
        <source>Leader election</source>
        <translation>推选组长</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="14" />
        <source>Preliminary review</source>
        <translation>初步评审</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="15" />
        <source>Detailed scoring</source>
        <translation>详细评审</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="16" />
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="17" />
        <source>Report signing</source>
        <translation>签署评标报告</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="18" />
        <source>Closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="19" />
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="20" />
        <source>Review and sign the score sheet</source>
        <translation>核对并签署评分表</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="28" />
        <source>Prepare the sheet for signing</source>
        <translation>生成待签评分表</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="30" />
        <source>Sign and submit</source>
        <translation>签名并提交</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="53" />
        <source>Your sheet has been received; it can be changed only if the leader returns it.</source>
        <translation>您的评分表已被接收；只有组长退回后才能修改。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="58" />
        <source>Not every score is filled in or valid yet: {cell}</source>
        <translation>还有评分未填写或不符合规则：{cell}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="72" />
        <source>These scores differ strongly from the other experts' and need a written explanation first: {cells}</source>
        <translation>以下评分与其他专家差异较大，须先填写书面说明：{cells}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="77" />
        <source>This is exactly the sheet you will sign. Check it, then sign.</source>
        <translation>这就是您将要签署的评分表，请核对无误后签名。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="92" />
        <source>score sheet, version {v}</source>
        <translation>评分表（第 {v} 版）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/review_page.py" line="98" />
        <source>Received by the venue at {at}. Receipt no. {id}, content SHA-256 {sha}…</source>
        <translation>场地已于 {at} 接收。回执编号 {id}，内容 SHA-256 {sha}…</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="26" />
        <source>Expert</source>
        <translation>评标专家</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="27" />
        <source>Supervisor</source>
        <translation>监督人员</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/phase_names.py" line="28" />
        <source>Trading centre</source>
        <translation>交易中心</translation>
    </message>
</context>
<context>
    <name>ScoringPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="54" />
        <source>Detailed scoring</source>
        <translation>详细评审</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="63" />
        <source>Comment on this score (optional)</source>
        <translation>评分意见（选填）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="66" />
        <source>Written explanation: required because this score deviates from the others</source>
        <translation>书面说明：该评分与其他专家差异较大，必须说明理由</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="104" />
        <source>Price points (computed)</source>
        <translation>价格分（系统计算）</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="104" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="128" />
        <source>Scoring opens when the preliminary review is decided.</source>
        <translation>初步评审有结论后开始详细评分。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="130" />
        <source>Type a score and press Tab or an arrow key; every score is saved at once.</source>
        <translation>输入分数后按 Tab 或方向键；每项分数都会立即保存。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/scoring_page.py" line="208" />
        <source>Deviation: explain this score</source>
        <translation>评分偏差较大：请说明理由</translation>
    </message>
</context>
<context>
    <name>SessionWindow</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="47" />
        <source>Session {id}</source>
        <translation>评标会话 {id}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="50" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="57" />
        <source>I have read it</source>
        <translation>我已阅读</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="100" />
        <source>1 Declaration</source>
        <translation>1 承诺书</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="101" />
        <source>2 Leader election</source>
        <translation>2 推选组长</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="102" />
        <source>3 Preliminary review</source>
        <translation>3 初步评审</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="103" />
        <source>4 Documents</source>
        <translation>4 招投标文件</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="104" />
        <source>5 Scoring</source>
        <translation>5 详细评分</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="105" />
        <source>6 Review and sign</source>
        <translation>6 核对签名</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="134" />
        <source>Phase: {phase}</source>
        <translation>当前阶段：{phase}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="136" />
        <source>The session is paused by the supervisor. Your work is kept; please wait.</source>
        <translation>监督人员已暂停评标。您的评分已保存，请稍候。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="140" />
        <source>{n} signed item(s) waiting to be sent</source>
        <translation>{n} 份已签名内容等待发送</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="140" />
        <source>Everything signed has been received</source>
        <translation>已签名的内容均已送达</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="146" />
        <source>● Connected to the venue</source>
        <translation>● 已连接场地服务器</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="147" />
        <source>○ Connecting…</source>
        <translation>○ 正在连接…</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="148" />
        <source>✕ Venue unreachable; retrying in {s} s. Your work is kept.</source>
        <translation>✕ 无法连接场地，{s} 秒后重试。您的评分已保存。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="149" />
        <source>✕ Your login has expired: log in again</source>
        <translation>✕ 登录已过期，请重新登录</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="150" />
        <source>Disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="162" />
        <source>Message from {name}: {text}</source>
        <translation>来自 {name} 的通知：{text}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/session_window.py" line="168" />
        <source>The leader election was tied: please vote again.</source>
        <translation>组长推选出现平票，请重新投票。</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="11" />
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="18" />
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="12" />
        <source>You are about to sign: {what}
Signed content cannot be changed afterwards.</source>
        <translation>您即将签署：{what}
签署后内容不可更改。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="16" />
        <source>USB key PIN</source>
        <translation>USB Key PIN 码</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="16" />
        <source>Certificate file password</source>
        <translation>证书文件密码</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/sign_dialog.py" line="19" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/base.py" line="49" />
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/base.py" line="61" />
        <source>Signed and received by the venue (receipt kept).</source>
        <translation>已签名并送达场地（回执已保存）。</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/base.py" line="64" />
        <source>The venue refused it: {why}</source>
        <translation>场地未接受：{why}</translation>
    </message>
    <message>
        <location filename="../../work/main/evaluator_app/ui/pages/base.py" line="66" />
        <source>Signed and kept safe on this computer; it will be sent as soon as the venue is reachable.</source>
        <translation>已签名并安全保存在本机，场地连接恢复后将自动发送。</translation>
    </message>
</context>
</TS>