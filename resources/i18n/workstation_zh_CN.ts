<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <source>Offline examination of AI-generated images as evidence. Nothing is sent over the network.</source>
        <translation>离线检验作为证据的 AI 生成图像。不会通过网络发送任何数据。</translation>
    </message>
</context>
<context>
    <name>AnalysisPanel</name>
    <message>
        <source>Pair comparison</source>
        <translation>成对比较</translation>
    </message>
    <message>
        <source>Corpus search</source>
        <translation>作品库检索</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>研究</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Model examination</source>
        <translation>模型检验</translation>
    </message>
</context>
<context>
    <name>ArtifactModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Pixels</source>
        <translation>像素</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入时间</translation>
    </message>
</context>
<context>
    <name>ArtifactPicker</name>
    <message>
        <source>Filter by name, note, #id or SHA-256</source>
        <translation>按名称、备注、#编号或 SHA-256 筛选</translation>
    </message>
    <message>
        <source>Type a part of the name or note, #12 for artifact 12, or the first characters of the SHA-256; Enter chooses the first image found</source>
        <translation>输入名称或备注的一部分、#12 表示 12 号证据项，或 SHA-256 的开头几个字符；按回车选择找到的第一幅图像</translation>
    </message>
    <message>
        <source>Also list the pictures of denoising steps and the figures drawn by comparisons and studies (hidden unless asked for)</source>
        <translation>同时列出去噪步骤的图像以及比对和研究生成的图表（默认隐藏）</translation>
    </message>
    <message>
        <source>Click an image to choose it</source>
        <translation>单击图像即可选择</translation>
    </message>
    <message numerus="yes">
        <source>Show steps and figures (%n)</source>
        <translation>
            <numerusform>显示步骤和图表（%n）</numerusform>
        </translation>
    </message>
    <message>
        <source>Disputed</source>
        <translation>争议图像</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参考图像</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>生成图像</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Steps and figures</source>
        <translation>步骤和图表</translation>
    </message>
    <message>
        <source>{found} of {total} images listed</source>
        <translation>已列出 {found} / {total} 幅图像</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Entry hash</source>
        <translation>条目哈希</translation>
    </message>
    <message>
        <source>entry {hash}
previous {prev}</source>
        <translation>本条 {hash}
上一条 {prev}</translation>
    </message>
    <message>
        <source>all objects and the chain match</source>
        <translation>所有对象和审计链均一致</translation>
    </message>
    <message numerus="yes">
        <source>FAILED: %n problem(s)</source>
        <translation>
            <numerusform>失败：%n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>record #{id}</source>
        <translation>记录 #{id}</translation>
    </message>
</context>
<context>
    <name>CaseEdits</name>
    <message>
        <source>Open a case first.</source>
        <translation>请先打开案件。</translation>
    </message>
    <message>
        <source>This case is open read-only (read-only media or no write permission): it can be examined, verified and reported, but not changed.</source>
        <translation>此案件以只读方式打开（只读介质或没有写入权限）：可以检验、校验和出具报告，但不能更改。</translation>
    </message>
    <message>
        <source>Recorded finding R{id} ({status}) about {about}.</source>
        <translation>已记录关于 {about} 的检验意见 R{id}（{status}）。</translation>
    </message>
    <message>
        <source>Withdrew R{id} (amendment R{made}).</source>
        <translation>已撤回 R{id}（更正记录 R{made}）。</translation>
    </message>
    <message numerus="yes">
        <source>Recorded %n amendment(s) of the case properties.</source>
        <translation>
            <numerusform>已记录 %n 项案件属性更正。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Corrected A{id} (%n amendment(s)).</source>
        <translation>
            <numerusform>已更正 A{id}（%n 项更正）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseJobForm</name>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Cancelled; the case is unchanged.</source>
        <translation>已取消；案件未改变。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Stored as record #{id}.</source>
        <translation>已保存为记录 #{id}。</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <source>All roles</source>
        <translation>全部角色</translation>
    </message>
    <message>
        <source>Filter by name, note or SHA-256</source>
        <translation>按名称、备注或 SHA-256 筛选</translation>
    </message>
    <message>
        <source>Show denoising steps</source>
        <translation>显示去噪步骤</translation>
    </message>
    <message>
        <source>Every generation keeps the picture of each denoising step in the case</source>
        <translation>每次生成都会把每个去噪步骤的图片保存在案件中</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>No case is open. Create one with File ▸ New Case (Ctrl+N) or open one with File ▸ Open Case (Ctrl+O).</source>
        <translation>没有打开的案件。请通过 文件 ▸ 新建案件（Ctrl+N）创建，或通过 文件 ▸ 打开案件（Ctrl+O）打开。</translation>
    </message>
    <message>
        <source>This case holds no evidence yet. Drop files here, or use File ▸ Import Files (Ctrl+I).</source>
        <translation>本案件还没有证据。可将文件拖放到这里，或使用 文件 ▸ 导入文件（Ctrl+I）。</translation>
    </message>
    <message>
        <source>Show only the artifacts of one role</source>
        <translation>只显示某一角色的文件</translation>
    </message>
    <message>
        <source>Shows the artifacts whose name, note or SHA-256 contains this text</source>
        <translation>显示名称、备注或 SHA-256 中包含此文本的文件</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>来源信息</translation>
    </message>
    <message>
        <source>New Case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <source>Open Case…</source>
        <translation>打开案件…</translation>
    </message>
    <message numerus="yes">
        <source>Show denoising steps (%n)</source>
        <translation>
            <numerusform>显示去噪步骤（%n）</numerusform>
        </translation>
    </message>
    <message>
        <source>No preview for {type}.</source>
        <translation>{type} 无法预览。</translation>
    </message>
    <message>
        <source>Select an image to see what it says about its making.</source>
        <translation>选择一张图像，查看其自身记录的生成信息。</translation>
    </message>
    <message>
        <source>Only images carry provenance metadata.</source>
        <translation>只有图像带有来源元数据。</translation>
    </message>
    <message>
        <source>Reading the image&apos;s metadata…</source>
        <translation>正在读取图像元数据…</translation>
    </message>
    <message>
        <source>Compare as image A</source>
        <translation>作为图像 A 对比</translation>
    </message>
    <message>
        <source>Compare as image B</source>
        <translation>作为图像 B 对比</translation>
    </message>
    <message>
        <source>Use as init image (img2img)</source>
        <translation>用作初始图像（图生图）</translation>
    </message>
    <message>
        <source>Add Finding…</source>
        <translation>添加检验意见…</translation>
    </message>
    <message>
        <source>Correct Role or Note…</source>
        <translation>更正角色或备注…</translation>
    </message>
    <message>
        <source>Copy SHA-256</source>
        <translation>复制 SHA-256</translation>
    </message>
    <message numerus="yes">
        <source>Copied the SHA-256 of %n artifact(s).</source>
        <translation>
            <numerusform>已复制 %n 个证据项的 SHA-256。</numerusform>
        </translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>✔ Verified</source>
        <translation>✔ 校验通过</translation>
    </message>
    <message numerus="yes">
        <source>✘ %n problem(s)</source>
        <translation>
            <numerusform>✘ %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>Chain head {head}</source>
        <translation>链头 {head}</translation>
    </message>
</context>
<context>
    <name>CasePropertiesDialog</name>
    <message>
        <source>Case properties</source>
        <translation>案件属性</translation>
    </message>
    <message>
        <source>Changed by an amendment with a reason; every earlier value stays listed</source>
        <translation>通过附理由的修订更改；以前的每个值都保留在列表中</translation>
    </message>
    <message>
        <source>{property}:</source>
        <translation>{property}：</translation>
    </message>
    <message>
        <source>Case {id}, created {time}</source>
        <translation>案件 {id}，创建于 {time}</translation>
    </message>
    <message>
        <source>History</source>
        <translation>更正历史</translation>
    </message>
    <message>
        <source>No amendments yet: every value is as the case was created.</source>
        <translation>尚无更正：各项均为创建案件时的值。</translation>
    </message>
    <message>
        <source>required, e.g. case number assigned by the court</source>
        <translation>必填，例如：法院已分配案号</translation>
    </message>
    <message>
        <source>Why the particulars change; recorded with the amendment</source>
        <translation>案件详情更改的理由；随修订一起记录</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Each changed field is recorded as an amendment with this reason; the earlier value stays in the case and in the report&apos;s history.</source>
        <translation>每个改动的字段都会连同此理由记录为一条更正；原值仍保留在案件中，并列入报告的更正历史。</translation>
    </message>
    <message>
        <source>Amend</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Previous value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Wipe</source>
        <translation>划像</translation>
    </message>
    <message>
        <source>Blink</source>
        <translation>闪烁对比</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Keypoints</source>
        <translation>关键点</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Fit the image in the view (double-click)</source>
        <translation>使图像适应视图（双击）</translation>
    </message>
    <message>
        <source>One image pixel per screen pixel</source>
        <translation>一个图像像素对应一个屏幕像素</translation>
    </message>
    <message>
        <source>Zoom out (mouse wheel)</source>
        <translation>缩小（鼠标滚轮）</translation>
    </message>
    <message>
        <source>Zoom in (mouse wheel)</source>
        <translation>放大（鼠标滚轮）</translation>
    </message>
    <message>
        <source>Export Figure…</source>
        <translation>导出图…</translation>
    </message>
    <message>
        <source>Save the view shown (wipe, blink, difference or keypoints) as a PNG with its caption and SHA-256, and keep a copy in the case as an artifact</source>
        <translation>将当前视图（擦除、闪烁、差异或关键点）连同图注和 SHA-256 保存为 PNG，并将副本作为证据项存入案件</translation>
    </message>
    <message>
        <source>Move the line: A on the left, B on the right</source>
        <translation>移动分界线：左侧为 A，右侧为 B</translation>
    </message>
    <message>
        <source>How long each image is shown before the other</source>
        <translation>每张图像显示多久后切换到另一张</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Interval:</source>
        <translation>间隔：</translation>
    </message>
    <message>
        <source>Run the comparison</source>
        <translation>运行比较</translation>
    </message>
    <message>
        <source>Registered (B warped onto A)</source>
        <translation>已配准（B 变换到 A 上）</translation>
    </message>
    <message>
        <source>As stored (unwarped)</source>
        <translation>按原样（未变换）</translation>
    </message>
    <message>
        <source>Show B as stored, without any warp (stretched to A&apos;s size when the sizes differ): content that moved between A and B shows as difference</source>
        <translation>按存储原样显示 B，不做任何变换（尺寸不同时拉伸到 A 的尺寸）：A 与 B 之间发生位移的内容会显示为差异</translation>
    </message>
    <message>
        <source>Inlier points</source>
        <translation>内点</translation>
    </message>
    <message>
        <source>Mark, in green, the keypoints of A whose matches in B agree with the homography (RANSAC inliers), over the registered wipe and blink</source>
        <translation>在已配准的擦除和闪烁视图上，用绿色标出 A 中其在 B 里的匹配符合单应变换的关键点（RANSAC 内点）</translation>
    </message>
    <message>
        <source>0 = equal</source>
        <translation>0 = 相同</translation>
    </message>
    <message>
        <source>255 = largest</source>
        <translation>255 = 最大</translation>
    </message>
    <message>
        <source>The difference map&apos;s fixed colour scale (inferno): the largest of the R, G, B differences of a pixel, in 8-bit levels, from 0 (black: equal) to 255 (pale yellow)</source>
        <translation>差异图的固定色标（inferno）：像素 R、G、B 通道差异中的最大值（8 位色阶），从 0（黑色：相同）到 255（浅黄色）</translation>
    </message>
    <message>
        <source>inlier: agrees with the homography (RANSAC)</source>
        <translation>内点：符合单应变换（RANSAC）</translation>
    </message>
    <message>
        <source>Green line: a match whose points the homography maps onto each other</source>
        <translation>绿线：单应变换能将两端点相互映射的匹配</translation>
    </message>
    <message>
        <source>outlier: passed the ratio test, does not fit the homography</source>
        <translation>外点：通过比率检验，但不符合单应变换</translation>
    </message>
    <message>
        <source>Red line: a match that the homography does not explain</source>
        <translation>红线：单应变换无法解释的匹配</translation>
    </message>
    <message>
        <source>Each line joins a keypoint of A (left) to its match in B (right); when there are many, an even sample of each kind is drawn.</source>
        <translation>每条线连接 A（左）中的一个关键点与其在 B（右）中的匹配；匹配很多时，每类均匀抽样绘制。</translation>
    </message>
    <message>
        <source>Comparing A and B…</source>
        <translation>正在比较 A 与 B…</translation>
    </message>
    <message>
        <source>Choose images A and B first.</source>
        <translation>请先选择图像 A 和 B。</translation>
    </message>
    <message>
        <source>The heat map and the keypoint matches come from the pair comparison.</source>
        <translation>热图和关键点匹配来自成对比较。</translation>
    </message>
    <message>
        <source>Showing {side}: {name}</source>
        <translation>正在显示 {side}：{name}</translation>
    </message>
    <message>
        <source>A: none</source>
        <translation>A：无</translation>
    </message>
    <message>
        <source>B: none</source>
        <translation>B：无</translation>
    </message>
    <message>
        <source>B ({bw} × {bh}) is shown stretched to A&apos;s size ({aw} × {ah}) so that the views line up. SSIM and the difference map: {rule}</source>
        <translation>B（{bw} × {bh}）被拉伸到 A 的尺寸（{aw} × {ah}）显示，以便视图对齐。SSIM 和差异图：{rule}</translation>
    </message>
    <message>
        <source>Wheel: zoom · drag: pan · double-click: fit. All views follow each other.</source>
        <translation>滚轮：缩放 · 拖动：平移 · 双击：适应窗口。所有视图同步。</translation>
    </message>
    <message>
        <source>Registration needs the keypoint homography of the pair comparison: choosing it runs the comparison.</source>
        <translation>配准需要图像对比较得到的关键点单应变换：选择此项将运行比较。</translation>
    </message>
    <message>
        <source>No homography for this pair ({status}): registration needs at least {n} keypoint matches that agree on one homography (RANSAC).</source>
        <translation>此图像对没有单应变换（{status}）：配准至少需要 {n} 个符合同一单应变换的关键点匹配（RANSAC）。</translation>
    </message>
    <message>
        <source>The homography places B over too little of A to compare them registered.</source>
        <translation>该单应变换使 B 覆盖 A 的面积太小，无法进行配准比较。</translation>
    </message>
    <message>
        <source>Show B warped onto A by the keypoint homography, so that the same content lies on the same pixels (what the registered SSIM measures)</source>
        <translation>按关键点单应变换将 B 变换到 A 上显示，使相同内容落在相同像素上（即配准 SSIM 所测量的）</translation>
    </message>
    <message>
        <source>A stored comparison keeps the homography, not the matched points: run the comparison again to mark its inliers</source>
        <translation>已存储的比较只保存单应变换矩阵，不保存匹配点：请重新运行比较以标出其内点</translation>
    </message>
    <message>
        <source>Registered: B warped onto A&apos;s pixel grid by the keypoint homography, fitted by RANSAC to {inliers} inlier matches of {matches}{mirrored}; bilinear interpolation, black where B does not reach.</source>
        <translation>已配准：B 按关键点单应变换映射到 A 的像素网格上，该变换由 RANSAC 从 {matches} 个匹配中的 {inliers} 个内点拟合{mirrored}；双线性插值，B 未覆盖处为黑色。</translation>
    </message>
    <message>
        <source>, B mirrored</source>
        <translation>，B 经镜像</translation>
    </message>
    <message>
        <source>As stored (unwarped) until the comparison finds the homography…</source>
        <translation>在比较找到单应变换之前按原样（未变换）显示…</translation>
    </message>
    <message>
        <source>As stored (unwarped) while B is warped onto A…</source>
        <translation>正在将 B 变换到 A 上，暂按原样（未变换）显示…</translation>
    </message>
    <message>
        <source>As stored: B unwarped, over A as it is stored (stretched to A&apos;s size when the sizes differ).</source>
        <translation>按原样：B 未经变换，按存储原样叠在 A 上（尺寸不同时拉伸到 A 的尺寸）。</translation>
    </message>
    <message>
        <source>B registered onto A</source>
        <translation>B 配准到 A</translation>
    </message>
    <message>
        <source>B as stored, unwarped</source>
        <translation>B 按原样，未变换</translation>
    </message>
    <message>
        <source>Difference of A #{a} {name_a} and B #{b} {name_b}: {how}.</source>
        <translation>A #{a} {name_a} 与 B #{b} {name_b} 的差异：{how}。</translation>
    </message>
    <message>
        <source>Colour: the largest of the R, G, B differences of a pixel, in 8-bit levels, on one fixed scale: black = equal (0) → pale yellow = 255.</source>
        <translation>颜色：像素 R、G、B 三个通道差异中的最大值（8 位色阶），固定色标：黑色 = 相同（0）→ 浅黄色 = 255。</translation>
    </message>
    <message>
        <source>Grey: outside the part of A that B covers (not compared).</source>
        <translation>灰色：A 中 B 未覆盖的部分（未比较）。</translation>
    </message>
    <message>
        <source>not run (under 11 px)</source>
        <translation>未运行（小于 11 像素）</translation>
    </message>
    <message>
        <source>Per-pixel difference |A − B registered| (largest channel), fixed scale: black = equal, pale yellow = 255, grey = not covered by B. Over the {covered:.0%} of A that B covers: mean difference {mean:.1%}; {changed:.1%} of pixels differ by more than 32 of 255. Registered SSIM {ssim}.</source>
        <translation>逐像素差异 |A − 配准后的 B|（取最大通道），固定色标：黑色 = 相同，浅黄色 = 255，灰色 = B 未覆盖。在 B 覆盖的 {covered:.0%} 的 A 区域内：平均差异 {mean:.1%}；{changed:.1%} 的像素差异超过 32/255。配准 SSIM {ssim}。</translation>
    </message>
    <message>
        <source>Per-pixel difference |A − B| (largest channel), fixed scale: black = equal, pale yellow = 255. Mean difference {mean:.1%}; {changed:.1%} of pixels differ by more than 32 of 255. SSIM {ssim}.</source>
        <translation>逐像素差异 |A − B|（取最大通道），固定色标：黑色 = 相同，浅黄色 = 255。平均差异 {mean:.1%}；{changed:.1%} 的像素差异超过 32/255。SSIM {ssim}。</translation>
    </message>
    <message>
        <source>Wipe: A left of the line at {at:.0%} of the width, B right</source>
        <translation>擦除：分界线位于宽度的 {at:.0%} 处，左侧为 A，右侧为 B</translation>
    </message>
    <message>
        <source>Blink, showing {side}</source>
        <translation>闪烁，显示 {side}</translation>
    </message>
    <message>
        <source>No case is open: the figure was not stored in a case.</source>
        <translation>没有打开的案件：该图未存入案件。</translation>
    </message>
    <message>
        <source>The case is open read-only: the figure was not stored in it.</source>
        <translation>案件以只读方式打开：该图未存入案件。</translation>
    </message>
    <message>
        <source>Exported from the Compare panel; comparison record #{id}.</source>
        <translation>从比较面板导出；比较记录 #{id}。</translation>
    </message>
    <message>
        <source>Exported from the Compare panel.</source>
        <translation>从比较面板导出。</translation>
    </message>
    <message>
        <source>A copy is being stored in the case as an artifact (role &quot;other&quot;).</source>
        <translation>正在将副本作为证据项（角色“other”）存入案件。</translation>
    </message>
    <message>
        <source>Figure stored in the case as artifact #{id} ({name}), SHA-256 {sha}.</source>
        <translation>该图已作为证据项 #{id}（{name}）存入案件，SHA-256 {sha}。</translation>
    </message>
    <message>
        <source>Export Figure</source>
        <translation>导出图</translation>
    </message>
    <message>
        <source>The figure was saved but not stored in the case: {why}</source>
        <translation>该图已保存，但未存入案件：{why}</translation>
    </message>
    <message>
        <source>{inliers} of {matches} SIFT matches agree on one homography ({keypoints_a} keypoints in A, {keypoints_b} in B). {status}</source>
        <translation>{matches} 个 SIFT 匹配中有 {inliers} 个符合同一单应变换（A 中 {keypoints_a} 个关键点，B 中 {keypoints_b} 个）。{status}</translation>
    </message>
</context>
<context>
    <name>CorpusTab</name>
    <message>
        <source>index file (.npz)</source>
        <translation>索引文件 (.npz)</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Build from folder…</source>
        <translation>从文件夹建立…</translation>
    </message>
    <message>
        <source>Hash every image under a folder into the index file (updates it if it exists)</source>
        <translation>对文件夹中的每张图像计算哈希并写入索引文件（若已存在则更新）</translation>
    </message>
    <message>
        <source>Index:</source>
        <translation>索引：</translation>
    </message>
    <message>
        <source>Search with image A</source>
        <translation>用图像 A 检索</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Results per metric:</source>
        <translation>每项指标结果数：</translation>
    </message>
    <message>
        <source>Rank by:</source>
        <translation>排序依据：</translation>
    </message>
    <message>
        <source>exact (flat)</source>
        <translation>精确（flat）</translation>
    </message>
    <message>
        <source>approximate, in memory (HNSW)</source>
        <translation>近似，内存中（HNSW）</translation>
    </message>
    <message>
        <source>approximate, on disk (IVF-PQ)</source>
        <translation>近似，磁盘上（IVF-PQ）</translation>
    </message>
    <message>
        <source>How a new build searches CLIP embeddings. Approximate kinds need FAISS and a CLIP model, and measure their recall@10 against exact search when built. Hashes are always searched exactly.</source>
        <translation>新建索引时如何搜索 CLIP 嵌入。近似类型需要 FAISS 和 CLIP 模型，并在构建时测量其相对精确搜索的 recall@10。哈希始终精确搜索。</translation>
    </message>
    <message>
        <source>Where a build decodes, hashes and embeds the images: in this process, or on Ray workers (this machine&apos;s cores, or the Ray cluster at the address given; needs the optional Ray install). The index is the same either way.</source>
        <translation>构建时在何处解码、哈希和嵌入图像：在本进程中，或在 Ray 工作进程上（本机的核心，或给定地址的 Ray 集群；需要可选安装 Ray）。两种方式得到的索引相同。</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <source>Run on:</source>
        <translation>运行于：</translation>
    </message>
    <message>
        <source>An index built from a folder of works: their hashes and, with a CLIP model, embeddings</source>
        <translation>由作品文件夹建立的索引：其哈希，以及配置了 CLIP 模型时的嵌入向量</translation>
    </message>
    <message>
        <source>How many of the closest works to list for each metric</source>
        <translation>每项指标列出的最接近作品的数量</translation>
    </message>
    <message>
        <source>The metric the list is ordered by</source>
        <translation>列表排序所依据的指标</translation>
    </message>
    <message>
        <source>Build an index of a folder of reference works once, then search it with the image chosen as A.</source>
        <translation>先为一个参照作品文件夹建立一次索引，然后用选为 A 的图像检索。</translation>
    </message>
    <message>
        <source>Open a corpus index</source>
        <translation>打开作品库索引</translation>
    </message>
    <message>
        <source>Corpus index (*.npz)</source>
        <translation>作品库索引 (*.npz)</translation>
    </message>
    <message>
        <source>Folder of reference works</source>
        <translation>参照作品所在文件夹</translation>
    </message>
    <message>
        <source>Save the index as</source>
        <translation>索引保存为</translation>
    </message>
    <message>
        <source>Indexing {folder}…</source>
        <translation>正在索引 {folder}…</translation>
    </message>
    <message>
        <source>Indexed {count} image(s): {added} hashed, {reused} unchanged, {removed} removed, {skipped} skipped.</source>
        <translation>已索引 {count} 张图像：新计算 {added} 张，未变 {reused} 张，移除 {removed} 张，跳过 {skipped} 张。</translation>
    </message>
    <message>
        <source>Search: exact, on {engine}.</source>
        <translation>搜索：精确，使用 {engine}。</translation>
    </message>
    <message>
        <source>Search: exact, numpy scan (FAISS is not installed).</source>
        <translation>搜索：精确，numpy 扫描（未安装 FAISS）。</translation>
    </message>
    <message>
        <source>Search: {kind}, on {engine}.</source>
        <translation>搜索：{kind}，使用 {engine}。</translation>
    </message>
    <message>
        <source>Search: {kind} (approximate), on {engine}; recall@10 {recall:.3f} against exact search on {queries} held-out queries. Hashes are searched exactly.</source>
        <translation>搜索：{kind}（近似），使用 {engine}；在 {queries} 个留出查询上相对精确搜索的 recall@10 为 {recall:.3f}。哈希为精确搜索。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在检索…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Training the search index…</source>
        <translation>正在训练搜索索引…</translation>
    </message>
    <message>
        <source>Building the search index: {done} of {total} vectors</source>
        <translation>正在构建搜索索引：第 {done} / {total} 个向量</translation>
    </message>
    <message>
        <source>Measuring the search index&apos;s recall@10 against exact search…</source>
        <translation>正在测量搜索索引相对精确搜索的 recall@10…</translation>
    </message>
    <message>
        <source>Indexing {done} of {total}: {path}</source>
        <translation>正在索引第 {done}/{total} 张：{path}</translation>
    </message>
    <message>
        <source>The works closest to image A in the index of {root}.</source>
        <translation>{root} 索引中与图像 A 最接近的作品。</translation>
    </message>
    <message>
        <source>Stored in the case as corpus search record #{id}.</source>
        <translation>已作为参考库检索记录 #{id} 存入案件。</translation>
    </message>
    <message>
        <source>Corpus search record #{id}, as stored.</source>
        <translation>参考库检索记录 #{id}（按存储内容显示）。</translation>
    </message>
    <message>
        <source>cosine {value:.3f}</source>
        <translation>余弦 {value:.3f}</translation>
    </message>
    <message>
        <source>{bits} bits</source>
        <translation>{bits} 位</translation>
    </message>
</context>
<context>
    <name>CorrectArtifactDialog</name>
    <message>
        <source>Correct role or note</source>
        <translation>更正角色或备注</translation>
    </message>
    <message>
        <source>required, e.g. the instructing party named it</source>
        <translation>必填，例如：委托方已说明其来源</translation>
    </message>
    <message>
        <source>The artifact&apos;s role from now on; the old one stays in its history</source>
        <translation>此后该文件的角色；原角色保留在其历史中</translation>
    </message>
    <message>
        <source>The artifact&apos;s note from now on; the old one stays in its history</source>
        <translation>此后该文件的备注；原备注保留在其历史中</translation>
    </message>
    <message>
        <source>Why the correction is made; recorded with the amendment</source>
        <translation>更正的理由；随修订一起记录</translation>
    </message>
    <message>
        <source>Artifact:</source>
        <translation>证据项：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>The correction is recorded as an amendment; the role and note given at import stay in the case and its history.</source>
        <translation>更正将记录为一条更正记录；导入时给出的角色和备注仍保留在案件及其历史中。</translation>
    </message>
    <message>
        <source>Earlier corrections:</source>
        <translation>此前的更正：</translation>
    </message>
    <message>
        <source>{time} {actor}: {field} “{previous}” → “{value}” ({reason})</source>
        <translation>{time} {actor}：{field}“{previous}”→“{value}”（{reason}）</translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <source>Select an artifact to see its details.</source>
        <translation>选择一个证据项以查看详情。</translation>
    </message>
    <message>
        <source>Loading preview…</source>
        <translation>正在载入预览…</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>made by {kind} record #{id}</source>
        <translation>由{kind}记录 #{id} 生成</translation>
    </message>
    <message>
        <source>Artifact</source>
        <translation>证据项</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Pixels</source>
        <translation>像素</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>{size} ({bytes} bytes)</source>
        <translation>{size}（{bytes} 字节）</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the full SHA-256 to the clipboard</source>
        <translation>将完整的 SHA-256 复制到剪贴板</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Imported from</source>
        <translation>导入来源</translation>
    </message>
</context>
<context>
    <name>DockTitle</name>
    <message>
        <source>Open the user guide at this panel (F1: the whole guide)</source>
        <translation>在此面板的章节打开用户指南（F1：整个指南）</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong inside the workstation. Nothing was changed.</source>
        <translation>工作站内部出错。没有任何内容被更改。</translation>
    </message>
    <message>
        <source>Details: {message}
The full report was written to the log.</source>
        <translation>详情：{message}
完整信息已写入日志。</translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation>无法执行</translation>
    </message>
</context>
<context>
    <name>ExamForm</name>
    <message>
        <source>Ask the model about works</source>
        <translation>向模型询问作品</translation>
    </message>
    <message>
        <source>The question to ask the model; each is recorded with its statistics and limits</source>
        <translation>要向模型提出的问题；每项都连同其统计量和局限一起记录</translation>
    </message>
    <message>
        <source>Membership: each work against the controls</source>
        <translation>成员推断：每件作品与对照比较</translation>
    </message>
    <message>
        <source>Set test: the works together against the controls</source>
        <translation>集合检验：全部作品与对照比较</translation>
    </message>
    <message>
        <source>Memorised-prompt screen: the prompts below, or the LoRA&apos;s training captions</source>
        <translation>记忆提示词筛查：下方的提示词，或 LoRA 的训练标注</translation>
    </message>
    <message>
        <source>Which model made this image: the one ticked work, through each model&apos;s VAE</source>
        <translation>图像出自哪个模型：所勾选的那一件作品，经各模型的 VAE 重建</translation>
    </message>
    <message>
        <source>Extraction attempt: generate toward the LoRA, pair with the case&apos;s works</source>
        <translation>提取尝试：向 LoRA 方向生成，并与案件中的作品配对</translation>
    </message>
    <message>
        <source>The model examined (checkpoint file or diffusers folder); for the attribution, a folder of models or one model</source>
        <translation>受检模型（检查点文件或 diffusers 文件夹）；用于模型溯源时，为一个模型文件夹或单个模型</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A LoRA on the model: its change to each score is measured and tested too</source>
        <translation>模型上加载的 LoRA：也测量并检验它对每个分数的改变</translation>
    </message>
    <message>
        <source>Tick the works asked about</source>
        <translation>勾选要询问的作品</translation>
    </message>
    <message>
        <source>Tick control works of the same kind and size, known not to be in training</source>
        <translation>勾选同类、同尺寸且已知不在训练集中的对照作品</translation>
    </message>
    <message>
        <source>one prompt a line; empty: the LoRA&apos;s captions</source>
        <translation>每行一条提示词；留空：使用 LoRA 的标注</translation>
    </message>
    <message>
        <source>For the prompt screen: the prompts screened, one a line. Empty: the training captions the LoRA records (ss_tag_frequency)</source>
        <translation>用于提示词筛查：要筛查的提示词，每行一条。留空：使用 LoRA 所记录的训练标注（ss_tag_frequency）</translation>
    </message>
    <message>
        <source>the shipped generic prompts</source>
        <translation>随附的通用提示词</translation>
    </message>
    <message>
        <source>the prompts themselves</source>
        <translation>本批提示词自身</translation>
    </message>
    <message>
        <source>What the prompt screen flags a prompt against</source>
        <translation>提示词筛查据以标记提示词的参照</translation>
    </message>
    <message>
        <source>Seed of the timesteps and noises (recorded)</source>
        <translation>时间步和噪声的种子（会被记录）</translation>
    </message>
    <message>
        <source>Timesteps of the loss test</source>
        <translation>损失检验的时间步数</translation>
    </message>
    <message>
        <source>Extraction: images generated, seeds Seed … Seed + Images − 1</source>
        <translation>提取：生成的图像数，种子为 种子 … 种子 + 图像数 − 1</translation>
    </message>
    <message>
        <source>all in one batch</source>
        <translation>全部在一个批次中</translation>
    </message>
    <message>
        <source>Extraction: seeds generated per work item. All in one batch gives images bit-identical to earlier runs; smaller items run on several Ray workers at once, and a smaller batch may change the images&apos; last bits. The value is recorded.</source>
        <translation>提取：每个工作项生成的种子数。全部在一个批次中时，图像与此前的运行逐位相同；较小的工作项可同时在多个 Ray 工作进程上运行，而较小的批次可能改变图像的最低几位。该值会被记录。</translation>
    </message>
    <message>
        <source>Where the images, seeds, prompts or models are examined: in this process, or on Ray workers (this machine&apos;s cores, or the Ray cluster at the address given; needs the optional Ray install). Each worker checks the model&apos;s SHA-256; only this window writes to the case.</source>
        <translation>图像、种子、提示词或模型在何处检验：在本进程中，或在 Ray 工作进程上（本机的处理器核心，或所给地址的 Ray 集群；需要安装可选的 Ray）。每个工作进程都会核对模型的 SHA-256；只有本窗口写入案件。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the examination; the case is not changed</source>
        <translation>停止检验；案件不变</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Works</source>
        <translation>作品</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>对照</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Flag against</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Timesteps</source>
        <translation>时间步</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Seeds per item</source>
        <translation>每项种子数</translation>
    </message>
    <message>
        <source>Run on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Models (*.safetensors)</source>
        <translation>模型 (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose a LoRA</source>
        <translation>选择 LoRA</translation>
    </message>
    <message>
        <source>LoRAs (*.safetensors)</source>
        <translation>LoRA (*.safetensors)</translation>
    </message>
    <message>
        <source>Add images</source>
        <translation>添加图像</translation>
    </message>
    <message>
        <source>Results are stored in the open case.</source>
        <translation>结果保存在当前打开的案件中。</translation>
    </message>
    <message>
        <source>Open a case to examine a model; its results are stored there.</source>
        <translation>请先打开案件再检验模型；结果将保存在该案件中。</translation>
    </message>
</context>
<context>
    <name>ExamTab</name>
    <message numerus="yes">
        <source>%n model examination record(s) in this case.</source>
        <translation>
            <numerusform>本案件中有 %n 条模型检验记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>Model examination asks a model (or a LoRA on it) whether it treats the works as it treats its training data, against control works known not to be in training. Its results appear here once a run is stored in the case.</source>
        <translation>模型检验询问模型（或其上的 LoRA）是否像对待训练数据那样对待这些作品，并与已知不在训练集中的对照作品比较。运行结果保存到案件后显示在此处。</translation>
    </message>
    <message>
        <source>membership</source>
        <translation>成员推断</translation>
    </message>
    <message>
        <source>set test</source>
        <translation>集合检验</translation>
    </message>
    <message>
        <source>prompt screen</source>
        <translation>提示词筛查</translation>
    </message>
    <message>
        <source>attribution</source>
        <translation>模型溯源</translation>
    </message>
    <message>
        <source>extraction</source>
        <translation>提取</translation>
    </message>
    <message>
        <source>#{id}  {method}  {model}  ({time})</source>
        <translation>#{id}  {method}  {model}  （{time}）</translation>
    </message>
    <message>
        <source>{method}: see the report for this record&apos;s numbers.</source>
        <translation>{method}：此记录的数值见报告。</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>作品</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>p-value</source>
        <translation>p 值</translation>
    </message>
    <message>
        <source>Effect size</source>
        <translation>效应量</translation>
    </message>
    <message>
        <source>LoRA Δ p-value</source>
        <translation>LoRA Δ 的 p 值</translation>
    </message>
    <message>
        <source>Adjusted Δ p-value</source>
        <translation>校正后 Δ 的 p 值</translation>
    </message>
    <message>
        <source>Works: {works}; controls: {controls}. Lower score = more member-like; p-value = (1 + controls scoring at most the work) / (1 + controls).</source>
        <translation>作品 {works} 件；对照 {controls} 件。分数越低越像训练成员；p 值 =（1 + 分数不高于该作品的对照数）/（1 + 对照数）。</translation>
    </message>
    <message>
        <source>Statistic</source>
        <translation>统计量</translation>
    </message>
    <message>
        <source>Significant</source>
        <translation>显著</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Set test: works {works}, controls {controls}, α = {alpha}; the smallest p-value these numbers allow is {floor:.3g}; minimum N {minimum}.</source>
        <translation>集合检验：作品 {works} 件，对照 {controls} 件，α = {alpha}；此数量所能达到的最小 p 值为 {floor:.3g}；最小 N 为 {minimum}。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Magnitude</source>
        <translation>幅度</translation>
    </message>
    <message>
        <source>Robust z</source>
        <translation>稳健 z 值</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>Tokens (share)</source>
        <translation>词元（占比）</translation>
    </message>
    <message>
        <source>Prompts flagged: {flagged} of {count}.</source>
        <translation>已标记提示词：{count} 条中 {flagged} 条。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>False rejects</source>
        <translation>误拒</translation>
    </message>
    <message>
        <source>False accepts: non-generated</source>
        <translation>误认：非生成图像</translation>
    </message>
    <message>
        <source>False accepts: other models</source>
        <translation>误认：其他模型</translation>
    </message>
    <message>
        <source>Place (VAE group)</source>
        <translation>名次（VAE 组）</translation>
    </message>
    <message>
        <source>Error rates on held-out images not used for the thresholds: rate (errors/count, one-sided 95% upper bound).</source>
        <translation>错误率在未用于阈值的留出图像上测得：比率（错误数/总数，单侧 95% 上限）。</translation>
    </message>
    <message>
        <source>Cannot be told apart by this method (identical VAE): {models}.</source>
        <translation>此方法无法区分（VAE 完全相同）：{models}。</translation>
    </message>
    <message>
        <source>Ranked by reconstruction distance, closest first.</source>
        <translation>按重建距离排序，最接近的在前。</translation>
    </message>
</context>
<context>
    <name>ExtractResults</name>
    <message>
        <source>Centre</source>
        <translation>中心</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Nearest work</source>
        <translation>最接近的作品</translation>
    </message>
    <message>
        <source>pHash distance</source>
        <translation>pHash 距离</translation>
    </message>
    <message>
        <source>seed {seed}</source>
        <translation>种子 {seed}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Extraction: {count} images, w&apos; = {scale} (λ = {lam}), {steps} DDIM steps; each cluster&apos;s centre beside the nearest of {works} reference works in the case (pHash distance: 0 = same, 32 ≈ unrelated).</source>
        <translation>提取：{count} 张图像，w&apos; = {scale}（λ = {lam}），DDIM {steps} 步；每个簇的中心与案件中 {works} 件参考作品里最接近者并列（pHash 距离：0 = 相同，32 ≈ 无关）。</translation>
    </message>
</context>
<context>
    <name>FigureExport</name>
    <message>
        <source>Export Figure…</source>
        <translation>导出图…</translation>
    </message>
    <message>
        <source>Export Figure</source>
        <translation>导出图</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Saved {png} with its caption ({txt}).
SHA-256 {sha}</source>
        <translation>已保存 {png} 及其图注（{txt}）。
SHA-256 {sha}</translation>
    </message>
    <message>
        <source>Bottom strip: the colour scale, from 0 (left) to 255 (right), the largest difference of R, G, B in 8-bit levels.</source>
        <translation>底部色条：色标，从 0（左）到 255（右），即 R、G、B 三通道中最大差值的 8 位灰阶。</translation>
    </message>
</context>
<context>
    <name>FindingDialog</name>
    <message>
        <source>Add finding</source>
        <translation>添加检验意见</translation>
    </message>
    <message>
        <source>Type A3 or R12 to jump to an artifact or a record</source>
        <translation>输入 A3 或 R12 可跳到相应的证据项或记录</translation>
    </message>
    <message>
        <source>Optional: the finding concerns one picture or file of the record</source>
        <translation>可选：检验意见针对该记录中的某一图片或文件</translation>
    </message>
    <message>
        <source>Figure:</source>
        <translation>图表：</translation>
    </message>
    <message>
        <source>What you observed and what it means, in your own words</source>
        <translation>用您自己的话写明所见及其含义</translation>
    </message>
    <message>
        <source>Recorded as written, under your name; a finding is withdrawn, never edited</source>
        <translation>按所写内容以您的名义记录；检验意见只能撤回，不能编辑</translation>
    </message>
    <message>
        <source>About:</source>
        <translation>针对：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Finding:</source>
        <translation>检验意见：</translation>
    </message>
    <message>
        <source>A finding is an audited record of the case and appears in the report. It cannot be edited afterwards, only withdrawn with a reason.</source>
        <translation>检验意见是案件中经审计的记录，会列入报告。记录后不能修改，只能说明理由后撤回。</translation>
    </message>
    <message>
        <source>Record Finding</source>
        <translation>记录检验意见</translation>
    </message>
    <message>
        <source>OK: consistent, nothing more to check</source>
        <translation>正常：一致，无需进一步核查</translation>
    </message>
    <message>
        <source>Check: to be looked at again before the report</source>
        <translation>待查：出具报告前需再次查看</translation>
    </message>
    <message>
        <source>Warning: a problem the report must state</source>
        <translation>警告：报告必须说明的问题</translation>
    </message>
    <message>
        <source>(the whole record)</source>
        <translation>（整条记录）</translation>
    </message>
    <message>
        <source>Shape: {shape}</source>
        <translation>图形：{shape}</translation>
    </message>
    <message>
        <source>Stored with the finding, in the artifact&apos;s pixels, and shown in the report</source>
        <translation>以证据项图像的像素坐标随检验意见保存，并在报告中显示</translation>
    </message>
</context>
<context>
    <name>FindingsModel</name>
    <message>
        <source>Finding</source>
        <translation>检验意见</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>About</source>
        <translation>针对</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>记录时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>{text}

Withdrawn: {reason}</source>
        <translation>{text}

已撤回：{reason}</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <source>Show withdrawn</source>
        <translation>显示已撤回</translation>
    </message>
    <message>
        <source>Withdrawn findings stay in the case; show them, struck through, with the reason</source>
        <translation>撤回的检验意见仍保留在案件中；显示它们（带删除线）及撤回理由</translation>
    </message>
    <message>
        <source>Add Finding…</source>
        <translation>添加检验意见…</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>撤回…</translation>
    </message>
    <message>
        <source>Double-click a finding to show what it is about. Findings are audited records: they are never edited, only withdrawn with a reason.</source>
        <translation>双击检验意见可显示其针对的对象。检验意见是经审计的记录：不能修改，只能说明理由后撤回。</translation>
    </message>
    <message>
        <source>No case is open.</source>
        <translation>没有打开的案件。</translation>
    </message>
    <message>
        <source>No findings yet: add one about an artifact, a record or a figure.</source>
        <translation>尚无检验意见：可针对证据项、记录或图表添加。</translation>
    </message>
    <message numerus="yes">
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n 条检验意见</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n withdrawn</source>
        <translation>
            <numerusform>，其中 %n 条已撤回</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GenerateForm</name>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Look for models in the model folder again</source>
        <translation>重新在模型文件夹中查找模型</translation>
    </message>
    <message>
        <source>what the image shows</source>
        <translation>图像的内容</translation>
    </message>
    <message>
        <source>what it must not show (optional)</source>
        <translation>不希望出现的内容（可选）</translation>
    </message>
    <message>
        <source>Workstation (diffusers)</source>
        <translation>本工作站（diffusers）</translation>
    </message>
    <message>
        <source>AUTOMATIC1111 / Forge</source>
        <translation>AUTOMATIC1111 / Forge</translation>
    </message>
    <message>
        <source>ComfyUI</source>
        <translation>ComfyUI</translation>
    </message>
    <message>
        <source>Follow a generator&apos;s own sigma schedules, noise and prompt syntax, so that its images can be reproduced as it made them</source>
        <translation>遵循某个生成器自身的 sigma 序列、噪声与提示词语法，以便按其原样复现其图像</translation>
    </message>
    <message>
        <source>none (text to image)</source>
        <translation>无（文生图）</translation>
    </message>
    <message>
        <source>The base model, from the model folder of the preferences</source>
        <translation>基础模型，来自首选项中设置的模型文件夹</translation>
    </message>
    <message>
        <source>What the image shows</source>
        <translation>图像所显示的内容</translation>
    </message>
    <message>
        <source>What it must not show (optional)</source>
        <translation>图像不得显示的内容（可选）</translation>
    </message>
    <message>
        <source>Denoising steps</source>
        <translation>去噪步数</translation>
    </message>
    <message>
        <source>CFG scale: how strongly the prompt steers each step</source>
        <translation>CFG 系数：提示词对每一步的引导强度</translation>
    </message>
    <message>
        <source>The sampler, in the chosen convention&apos;s names</source>
        <translation>采样器（使用所选约定中的名称）</translation>
    </message>
    <message>
        <source>The sigma schedule (A1111 and ComfyUI); empty: the sampler&apos;s own</source>
        <translation>sigma 调度（A1111 和 ComfyUI）；留空：使用采样器自身的调度</translation>
    </message>
    <message>
        <source>A1111 clip skip (1 = none)</source>
        <translation>A1111 CLIP 跳过层数（1 = 不跳过）</translation>
    </message>
    <message>
        <source>Width in pixels</source>
        <translation>宽度（像素）</translation>
    </message>
    <message>
        <source>Height in pixels</source>
        <translation>高度（像素）</translation>
    </message>
    <message>
        <source>An image of the case to start from (img2img); none: text to image</source>
        <translation>作为起点的案件图像（图生图）；无：文生图</translation>
    </message>
    <message>
        <source>img2img denoising strength (used with an init image)</source>
        <translation>图生图的去噪强度（与初始图像一起使用）</translation>
    </message>
    <message>
        <source>every step</source>
        <translation>每一步</translation>
    </message>
    <message>
        <source>every 5th step and the last (faster)</source>
        <translation>每隔 5 步及最后一步（较快）</translation>
    </message>
    <message>
        <source>the last step only</source>
        <translation>仅最后一步</translation>
    </message>
    <message>
        <source>Steps decoded in full; every step&apos;s latent preview is kept in any case</source>
        <translation>需要完整解码的步骤；每一步的潜空间预览都会保留</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>LoRAs:</source>
        <translation>LoRA：</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>Negative:</source>
        <translation>反向提示词：</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>CFG scale:</source>
        <translation>CFG 系数：</translation>
    </message>
    <message>
        <source>Follow:</source>
        <translation>遵循：</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>采样器：</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>调度：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>CLIP skip:</source>
        <translation>CLIP 跳过层数：</translation>
    </message>
    <message>
        <source>Keep decoded:</source>
        <translation>完整解码：</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>图生图</translation>
    </message>
    <message>
        <source>Init image:</source>
        <translation>初始图像：</translation>
    </message>
    <message>
        <source>Strength:</source>
        <translation>重绘幅度：</translation>
    </message>
    <message>
        <source>No model folder is set. Choose one in &lt;a href=&apos;prefs&apos;&gt;Preferences&lt;/a&gt;.</source>
        <translation>尚未设置模型文件夹。请在&lt;a href=&apos;prefs&apos;&gt;首选项&lt;/a&gt;中选择。</translation>
    </message>
    <message>
        <source>Looking for models in {folder}…</source>
        <translation>正在 {folder} 中查找模型…</translation>
    </message>
    <message numerus="yes">
        <source>%n base model(s) in {folder}.</source>
        <translation>
            <numerusform>{folder} 中有 %n 个基础模型。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) cannot be used:</source>
        <translation>
            <numerusform>%n 个文件无法使用：</numerusform>
        </translation>
    </message>
    <message>
        <source>in the sampler&apos;s name</source>
        <translation>见采样器名称</translation>
    </message>
    <message>
        <source>the sampler&apos;s default</source>
        <translation>采样器默认</translation>
    </message>
    <message>
        <source>model {name}</source>
        <translation>模型 {name}</translation>
    </message>
    <message>
        <source>sampler {name}</source>
        <translation>采样器 {name}</translation>
    </message>
    <message>
        <source>schedule {name}</source>
        <translation>调度 {name}</translation>
    </message>
    <message>
        <source>LoRA {name}</source>
        <translation>LoRA {name}</translation>
    </message>
    <message>
        <source>the init image (img2img)</source>
        <translation>初始图像（图生图）</translation>
    </message>
    <message>
        <source>the hires pass</source>
        <translation>高清修复阶段</translation>
    </message>
    <message>
        <source>the refiner</source>
        <translation>精修模型</translation>
    </message>
    <message>
        <source>Choose a model first.</source>
        <translation>请先选择模型。</translation>
    </message>
</context>
<context>
    <name>GeneratePanel</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generate and store the result in the case (Ctrl+Enter)</source>
        <translation>生成并将结果存入案件（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop after the current step; nothing is stored</source>
        <translation>在当前步骤后停止；不存储任何内容</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v/%m 步</translation>
    </message>
    <message>
        <source>The preview of each step appears here.</source>
        <translation>每一步的预览将显示在这里。</translation>
    </message>
    <message>
        <source>Cancelling after the current step…</source>
        <translation>将在当前步骤完成后取消…</translation>
    </message>
    <message>
        <source>Open a case first: results are stored in it</source>
        <translation>请先打开案件：结果会存入其中</translation>
    </message>
    <message>
        <source>Step {step} of {total} — latent preview (approximate colours)</source>
        <translation>第 {step}/{total} 步 — 潜空间预览（颜色为近似值）</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>VAE decode</source>
        <translation>VAE 解码</translation>
    </message>
    <message>
        <source>latent preview</source>
        <translation>潜空间预览</translation>
    </message>
    <message>
        <source>Step {step} ({kind})</source>
        <translation>第 {step} 步（{kind}）</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Stored in the case as generation record #{record}; the image is artifact #{artifact}. Seed {seed}, {steps} steps on {device}, {seconds:.1f} s.</source>
        <translation>已作为生成记录 #{record} 存入案件；图像为证据项 #{artifact}。种子 {seed}，{steps} 步，设备 {device}，用时 {seconds:.1f} 秒。</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was stored in the case.</source>
        <translation>已取消。没有向案件存储任何内容。</translation>
    </message>
    <message>
        <source>Generation failed. Nothing was stored in the case.</source>
        <translation>生成失败。没有向案件存储任何内容。</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>User Guide</source>
        <translation>用户指南</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>后退</translation>
    </message>
    <message>
        <source>The page shown before (Alt+Left)</source>
        <translation>上一个显示的页面（Alt+Left）</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>前进</translation>
    </message>
    <message>
        <source>The page shown after (Alt+Right)</source>
        <translation>下一个显示的页面（Alt+Right）</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>目录</translation>
    </message>
    <message>
        <source>The guide&apos;s table of contents</source>
        <translation>指南的目录</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <source>outside the image</source>
        <translation>图像范围之外</translation>
    </message>
    <message>
        <source>{length:.1f} px</source>
        <translation>{length:.1f} 像素</translation>
    </message>
    <message>
        <source>{w:g} × {h:g} px · {area:g} px²</source>
        <translation>{w:g} × {h:g} 像素 · {area:g} 平方像素</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import into the case</source>
        <translation>导入案件</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) will be copied into the case; the originals are not changed. If any file cannot be imported, none is.</source>
        <translation>
            <numerusform>将把 %n 个文件复制到案件中，原文件不会被改动。只要有一个文件无法导入，所有文件都不会导入。</numerusform>
        </translation>
    </message>
    <message>
        <source>optional, e.g. where the file came from</source>
        <translation>可选，例如文件的来源</translation>
    </message>
    <message>
        <source>Reference: the protected work; disputed: the image in question; generated: made by a model; other: anything else</source>
        <translation>参考：受保护作品；争议：有争议的图像；生成：由模型生成；其他：其余文件</translation>
    </message>
    <message>
        <source>Stored with each file; a wrong note is corrected later by an amendment</source>
        <translation>随每个文件存储；备注有误时可稍后以修订方式更正</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>InspectTools</name>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Drag to move the picture; wheel to zoom</source>
        <translation>拖动以移动图像；滚轮缩放</translation>
    </message>
    <message>
        <source>Loupe</source>
        <translation>放大镜</translation>
    </message>
    <message>
        <source>A magnified inset at the cursor, with the pixel&apos;s coordinates and values</source>
        <translation>在光标处显示放大的局部图像，并给出该像素的坐标和数值</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Click two points: their distance in image pixels</source>
        <translation>点击两个点：以图像像素计的两点距离</translation>
    </message>
    <message>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
    <message>
        <source>Click three points: the angle at the second one, in degrees</source>
        <translation>点击三个点：第二个点处的角度（度）</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Click two corners (or drag): the region&apos;s width, height and area in pixels</source>
        <translation>点击两个角点（或拖动）：区域的宽、高和面积（像素）</translation>
    </message>
    <message>
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <source>Click the tail, then the tip (or drag): an arrow</source>
        <translation>先点击箭尾，再点击箭头（或拖动）：绘制箭头</translation>
    </message>
    <message>
        <source>Box</source>
        <translation>方框</translation>
    </message>
    <message>
        <source>Click two corners (or drag): a box around what matters</source>
        <translation>点击两个角点（或拖动）：框出关注的部分</translation>
    </message>
    <message>
        <source>Callout</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Click a point: a label with the text typed beside</source>
        <translation>点击一个点：在旁边显示所输入文字的标签</translation>
    </message>
    <message>
        <source>Arrow from {start} to {end}, {length} px</source>
        <translation>箭头，从 {start} 到 {end}，长 {length} 像素</translation>
    </message>
    <message>
        <source>Distance {length} px from {start} to {end}</source>
        <translation>距离 {length} 像素，从 {start} 到 {end}</translation>
    </message>
    <message>
        <source>Angle {degrees}° at {at}</source>
        <translation>角度 {degrees}°，顶点位于 {at}</translation>
    </message>
    <message>
        <source>Box at {at}, {w} × {h} px</source>
        <translation>方框位于 {at}，{w} × {h} 像素</translation>
    </message>
    <message>
        <source>Region at {at}, {w} × {h} px ({area} px²)</source>
        <translation>区域位于 {at}，{w} × {h} 像素（{area} 平方像素）</translation>
    </message>
    <message>
        <source>Callout at {at}: “{text}”</source>
        <translation>标注位于 {at}：“{text}”</translation>
    </message>
    <message>
        <source>Callout text</source>
        <translation>标注文字</translation>
    </message>
    <message>
        <source>The text of the next callout you place</source>
        <translation>下一个标注所用的文字</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Remove the measurements and annotations drawn (Esc drops the one begun)</source>
        <translation>移除已绘制的测量和标注（按 Esc 放弃正在绘制的一个）</translation>
    </message>
    <message>
        <source>Record as Finding…</source>
        <translation>记录为检验意见…</translation>
    </message>
    <message>
        <source>Under the cursor: x, y in image pixels (from the top-left corner, 0-based), then R G B of each picture there (0–255)</source>
        <translation>光标处：以图像像素计的 x、y（从左上角起，从 0 开始），以及该处每幅图像的 R G B 值（0–255）</translation>
    </message>
    <message>
        <source>The last measurement or annotation, in image pixels</source>
        <translation>最近一次测量或标注，以图像像素计</translation>
    </message>
    <message>
        <source>Draw a measurement or an annotation first</source>
        <translation>请先绘制测量或标注</translation>
    </message>
    <message>
        <source>Draw on A or B: this picture is not an artifact of the case</source>
        <translation>请在 A 或 B 上绘制：此图像不是案件中的证据项</translation>
    </message>
    <message>
        <source>Record the last shape as a finding about #{id}</source>
        <translation>将最近绘制的图形记录为关于 #{id} 的检验意见</translation>
    </message>
</context>
<context>
    <name>LabForm</name>
    <message>
        <source>Run the over-fitting lab</source>
        <translation>运行过拟合实验</translation>
    </message>
    <message>
        <source>Fill the fields from an earlier lab of this case, to run it again as it was</source>
        <translation>用本案件中较早一次实验的设置填写各字段，以便按原样再次运行</translation>
    </message>
    <message>
        <source>synthetic scenes</source>
        <translation>合成场景</translation>
    </message>
    <message>
        <source>A folder of captioned images (same-name .txt files or captions.jsonl); the first n are the training set of size n. Empty: synthetic scenes are drawn for the run.</source>
        <translation>带说明文字的图像文件夹（同名 .txt 文件或 captions.jsonl）；前 n 张图像即规模为 n 的训练集。留空：为本次运行绘制合成场景。</translation>
    </message>
    <message>
        <source>The model whose VAE and text encoder are reused, and whose UNet each size starts from</source>
        <translation>复用其 VAE 和文本编码器的模型，每个规模的 UNet 也从它开始训练</translation>
    </message>
    <message>
        <source>Training-set sizes, separated by commas</source>
        <translation>训练集规模，以逗号分隔</translation>
    </message>
    <message>
        <source>Training steps per size: the same budget for every size</source>
        <translation>每个规模的训练步数：每个规模的训练预算相同</translation>
    </message>
    <message>
        <source>Training images per optimisation step</source>
        <translation>每个优化步骤使用的训练图像数</translation>
    </message>
    <message>
        <source>Images generated per size, with seeds never used in training</source>
        <translation>每个规模生成的图像数，使用训练中从未用过的种子</translation>
    </message>
    <message>
        <source>The seed of the synthetic scenes, the training and the samples: the same seed gives the same lab</source>
        <translation>合成场景、训练和样本所用的种子：相同的种子得到相同的实验</translation>
    </message>
    <message>
        <source>the base model&apos;s UNet</source>
        <translation>基础模型的 UNet</translation>
    </message>
    <message>
        <source>random weights (from scratch)</source>
        <translation>随机权重（从头开始）</translation>
    </message>
    <message>
        <source>What each size&apos;s UNet starts from before training</source>
        <translation>每个规模的 UNet 在训练前的起点</translation>
    </message>
    <message>
        <source>The CLIP model of the preferences joins the measures (Edit ▸ Preferences)</source>
        <translation>首选项中的 CLIP 模型将加入测量（编辑 ▸ 首选项）</translation>
    </message>
    <message>
        <source>A sample is a near-copy when its tiled L2 distance (largest RMS difference over 4×4 tiles, RGB in [0, 1]) to the nearest training image is at most this</source>
        <translation>当样本与最近训练图像的分块 L2 距离（4×4 分块上最大的均方根差，RGB 取值 [0, 1]）不超过此值时，该样本即为近似复制</translation>
    </message>
    <message>
        <source>Where the training-set sizes are trained and sampled: in this process, one after the other, or on Ray workers, several at once (this machine&apos;s cores, or the Ray cluster at the address given, whose nodes must see the base model and the training images at the same paths; needs the optional Ray install). Either way only this window writes to the case.</source>
        <translation>各训练集规模在何处训练和采样：在本进程中逐个进行，或在 Ray 工作进程上同时进行多个（本机的处理器核心，或所给地址的 Ray 集群，其节点须在相同路径下看到基础模型和训练图像；需要可选安装 Ray）。无论哪种方式，只有本窗口写入案件。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the lab; the case is not changed</source>
        <translation>停止实验；案件不会改变</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>训练图像</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Sizes</source>
        <translation>规模</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>UNet starts from</source>
        <translation>UNet 起点</translation>
    </message>
    <message>
        <source>Near-copy at tiled L2 ≤</source>
        <translation>近似复制：分块 L2 ≤</translation>
    </message>
    <message>
        <source>CLIP model</source>
        <translation>CLIP 模型</translation>
    </message>
    <message>
        <source>Run on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <source>(the fields below)</source>
        <translation>（下方的字段）</translation>
    </message>
    <message>
        <source>Lab record #{id}  sizes {sizes}</source>
        <translation>实验记录 #{id}  规模 {sizes}</translation>
    </message>
    <message>
        <source>The fields are lab record #{id}&apos;s; Run runs them again.</source>
        <translation>各字段取自实验记录 #{id}；点击“运行”将按其再次运行。</translation>
    </message>
    <message>
        <source>none (set one in Preferences to add CLIP similarity)</source>
        <translation>无（在首选项中设置以加入 CLIP 相似度）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Results are stored in the open case.</source>
        <translation>结果将保存到当前打开的案件中。</translation>
    </message>
    <message>
        <source>Open a case to run the lab; its results are stored there.</source>
        <translation>请先打开案件再运行实验；结果将保存在该案件中。</translation>
    </message>
</context>
<context>
    <name>LabTab</name>
    <message>
        <source>Training images</source>
        <translation>训练图像</translation>
    </message>
    <message>
        <source>Training-set size n</source>
        <translation>训练集规模 n</translation>
    </message>
    <message>
        <source>Near-copies</source>
        <translation>近似复制</translation>
    </message>
    <message>
        <source>Fraction of samples that are near-copies</source>
        <translation>属于近似复制的样本比例</translation>
    </message>
    <message>
        <source>Tiled L2</source>
        <translation>分块 L2</translation>
    </message>
    <message>
        <source>Mean tiled L2 to the nearest training image (lower = closer)</source>
        <translation>与最近训练图像的平均分块 L2（越低越接近）</translation>
    </message>
    <message>
        <source>SSIM</source>
        <translation>SSIM</translation>
    </message>
    <message>
        <source>Mean best SSIM over the training set</source>
        <translation>在训练集上的平均最佳 SSIM</translation>
    </message>
    <message>
        <source>pHash</source>
        <translation>pHash</translation>
    </message>
    <message>
        <source>Mean best pHash similarity (1 − Hamming distance / 64)</source>
        <translation>平均最佳 pHash 相似度（1 − 汉明距离 / 64）</translation>
    </message>
    <message>
        <source>CLIP</source>
        <translation>CLIP</translation>
    </message>
    <message>
        <source>Mean best CLIP similarity (when a CLIP model was given)</source>
        <translation>与训练集最佳匹配的 CLIP 相似度均值（仅在提供了 CLIP 模型时）</translation>
    </message>
    <message>
        <source>Train s</source>
        <translation>训练秒数</translation>
    </message>
    <message>
        <source>Seconds of training for this size</source>
        <translation>该规模的训练耗时（秒）</translation>
    </message>
    <message>
        <source>Click a row to see that size&apos;s samples</source>
        <translation>单击某一行可查看该规模的样本</translation>
    </message>
    <message>
        <source>The lab&apos;s plot, or the samples of one training-set size</source>
        <translation>实验的图表，或某一训练集规模的样本</translation>
    </message>
    <message>
        <source>#{id}  sizes {sizes}  ({time})</source>
        <translation>#{id}  规模 {sizes}  （{time}）</translation>
    </message>
    <message numerus="yes">
        <source>%n over-fitting lab record(s) in this case.</source>
        <translation>
            <numerusform>此案件中有 %n 条过拟合实验记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>The over-fitting lab trains a model on 1, 5, 50 and 500 images and measures how close its samples come to the training images. Its results appear here once a run is stored in the case.</source>
        <translation>过拟合实验分别用 1、5、50 和 500 张图像训练模型，并测量其样本与训练图像有多接近。运行结果保存到案件后会显示在这里。</translation>
    </message>
    <message>
        <source>Plot</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Samples and nearest training images, n = {n}</source>
        <translation>样本及最近的训练图像，n = {n}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>disputed</source>
        <translation>争议</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>near-duplicate</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>similar</source>
        <translation>相似</translation>
    </message>
    <message>
        <source>different</source>
        <translation>不同</translation>
    </message>
    <message>
        <source>no band</source>
        <translation>无区间</translation>
    </message>
    <message>
        <source>case created</source>
        <translation>创建案件</translation>
    </message>
    <message>
        <source>import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>校验通过（已记录）</translation>
    </message>
    <message>
        <source>schema migrated</source>
        <translation>结构已迁移</translation>
    </message>
    <message>
        <source>generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>study</source>
        <translation>研究</translation>
    </message>
    <message>
        <source>report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>reproduction</source>
        <translation>复现</translation>
    </message>
    <message>
        <source>provenance</source>
        <translation>来源信息</translation>
    </message>
    <message>
        <source>finding</source>
        <translation>检验意见</translation>
    </message>
    <message>
        <source>amendment</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警示</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Examiner</source>
        <translation>鉴定人</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>机构</translation>
    </message>
    <message>
        <source>Case number</source>
        <translation>案号</translation>
    </message>
    <message>
        <source>Court</source>
        <translation>法院</translation>
    </message>
    <message>
        <source>Parties</source>
        <translation>当事人</translation>
    </message>
    <message>
        <source>Instructing party</source>
        <translation>委托方</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>案情描述</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>figure</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>dark</source>
        <translation>深色</translation>
    </message>
</context>
<context>
    <name>LoadCaption</name>
    <message>
        <source>The model is already loaded; starting…</source>
        <translation>模型已加载；正在开始…</translation>
    </message>
    <message>
        <source>Loading the model… {elapsed} s (its first load here: no estimate yet)</source>
        <translation>正在加载模型… {elapsed} 秒（本机首次加载：尚无估计）</translation>
    </message>
    <message>
        <source>Loading the model… {elapsed} s of about {estimate} s</source>
        <translation>正在加载模型… {elapsed} 秒，预计约 {estimate} 秒</translation>
    </message>
</context>
<context>
    <name>LoraList</name>
    <message>
        <source>No LoRA files in the model folder.</source>
        <translation>模型文件夹中没有 LoRA 文件。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>检验意见</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Open a case folder</source>
        <translation>打开案件文件夹</translation>
    </message>
    <message>
        <source>No case open</source>
        <translation>未打开案件</translation>
    </message>
    <message>
        <source>{title} · {count} artifact(s) · {entries} log entries · chain head {head}</source>
        <translation>{title} · {count} 个证据项 · {entries} 条日志 · 链头 {head}</translation>
    </message>
    <message>
        <source>Import files into the case</source>
        <translation>将文件导入案件</translation>
    </message>
    <message>
        <source>Open or create a case first, then import files into it.</source>
        <translation>请先打开或创建案件，再向其中导入文件。</translation>
    </message>
    <message numerus="yes">
        <source>Importing %n file(s)…</source>
        <translation>
            <numerusform>正在导入 %n 个文件…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n file(s).</source>
        <translation>
            <numerusform>已导入 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Filled from the recipe, except: {missing}.</source>
        <translation>已按生成参数填写，以下各项除外：{missing}。</translation>
    </message>
    <message>
        <source>Filled every field from the recipe.</source>
        <translation>已按生成参数填写全部字段。</translation>
    </message>
    <message>
        <source>Select the artifact to correct in the Case panel first.</source>
        <translation>请先在案件面板中选择要更正的证据项。</translation>
    </message>
    <message>
        <source>The model could not be loaded at start: {message}</source>
        <translation>启动时无法加载模型：{message}</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
</context>
<context>
    <name>MetricTable</name>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>区间</translation>
    </message>
    <message>
        <source>Band rule</source>
        <translation>区间规则</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>The folder to list: every checkpoint and LoRA under it, with kinds and hashes</source>
        <translation>要列出的文件夹：其下每个检查点和 LoRA 及其类型和哈希</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>AutoV2</source>
        <translation>AutoV2</translation>
    </message>
    <message>
        <source>LoRA hash</source>
        <translation>LoRA 哈希</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Open a LoRA File…</source>
        <translation>打开 LoRA 文件…</translation>
    </message>
    <message>
        <source>LoRA training metadata</source>
        <translation>LoRA 训练元数据</translation>
    </message>
    <message>
        <source>Choose a LoRA in the list (or open a file) to read its training metadata. Hashes come from a per-user listing cache: they are for finding files and are never written into a case.</source>
        <translation>在列表中选择一个 LoRA（或打开文件）以读取其训练元数据。哈希值来自按用户保存的列表缓存：仅用于查找文件，绝不写入案件。</translation>
    </message>
    <message>
        <source>Looking for models in {folder}…</source>
        <translation>正在 {folder} 中查找模型…</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s).</source>
        <translation>
            <numerusform>%n 个模型。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cannot be used (see the tooltips).</source>
        <translation>
            <numerusform>其中 %n 个无法使用（见提示）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open a LoRA file</source>
        <translation>打开 LoRA 文件</translation>
    </message>
    <message>
        <source>LoRA (*.safetensors)</source>
        <translation>LoRA (*.safetensors)</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Made for</source>
        <translation>适用模型</translation>
    </message>
    <message>
        <source>Algorithm</source>
        <translation>算法</translation>
    </message>
    <message>
        <source>not recomputed: its tensor order is not in the file</source>
        <translation>未重新计算：文件中没有其张量顺序</translation>
    </message>
    <message>
        <source>matches the file</source>
        <translation>与文件一致</translation>
    </message>
    <message>
        <source>DOES NOT MATCH the file</source>
        <translation>与文件不一致</translation>
    </message>
    <message>
        <source>LyCORIS hash, {verdict}</source>
        <translation>LyCORIS 哈希，{verdict}</translation>
    </message>
    <message>
        <source>Header hash</source>
        <translation>文件头中的哈希</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>no kohya ss_* metadata in the header</source>
        <translation>文件头中没有 kohya ss_* 元数据</translation>
    </message>
    <message>
        <source>Training (kohya metadata)</source>
        <translation>训练（kohya 元数据）</translation>
    </message>
    <message>
        <source>Dataset folders</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Top tags ({shown} of {count})</source>
        <translation>最常见标签（{count} 个中的 {shown} 个）</translation>
    </message>
    <message>
        <source>×{count}, rank {rank}</source>
        <translation>×{count}，秩 {rank}</translation>
    </message>
    <message>
        <source>Target modules</source>
        <translation>目标模块</translation>
    </message>
    <message>
        <source>{name}: read from its header.</source>
        <translation>{name}：已从文件头读取。</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <source>a new or empty folder</source>
        <translation>新的或空的文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>e.g. Smith v. Example</source>
        <translation>例如：张三诉某公司</translation>
    </message>
    <message>
        <source>the court&apos;s number for the case, if any</source>
        <translation>法院的案号（如有）</translation>
    </message>
    <message>
        <source>e.g. Smith (claimant); Example Ltd (defendant)</source>
        <translation>例如：张三（原告）；某科技公司（被告）</translation>
    </message>
    <message>
        <source>who instructed you</source>
        <translation>委托您的一方</translation>
    </message>
    <message>
        <source>what the case is about</source>
        <translation>案件的基本情况</translation>
    </message>
    <message>
        <source>A new or empty folder; the case&apos;s database and stored files go here</source>
        <translation>新的或空的文件夹；案件数据库和存储的文件都放在这里</translation>
    </message>
    <message>
        <source>The case&apos;s name on the window, in the audit log and on reports</source>
        <translation>案件名称，显示在窗口、审计日志和报告中</translation>
    </message>
    <message>
        <source>Recorded as the actor of every audit entry and named in reports</source>
        <translation>记录为每个审计条目的操作人，并在报告中写明</translation>
    </message>
    <message>
        <source>Your laboratory or firm, named in reports</source>
        <translation>您的实验室或机构，在报告中写明</translation>
    </message>
    <message>
        <source>The court&apos;s number for the case; can be added later by an amendment</source>
        <translation>法院的案号；可以稍后以修订方式补充</translation>
    </message>
    <message>
        <source>The court or tribunal; reports name it in the declaration</source>
        <translation>法院或仲裁机构；报告在声明中写明</translation>
    </message>
    <message>
        <source>The parties to the dispute, as the report should name them</source>
        <translation>争议各方，按报告中应使用的名称填写</translation>
    </message>
    <message>
        <source>Who instructed you; the declaration names them</source>
        <translation>委托您的一方；声明中会写明</translation>
    </message>
    <message>
        <source>What the case is about, in a few sentences</source>
        <translation>用几句话说明案件的内容</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Examiner:</source>
        <translation>鉴定人：</translation>
    </message>
    <message>
        <source>Organisation:</source>
        <translation>机构：</translation>
    </message>
    <message>
        <source>Case number:</source>
        <translation>案号：</translation>
    </message>
    <message>
        <source>Court:</source>
        <translation>法院：</translation>
    </message>
    <message>
        <source>Parties:</source>
        <translation>当事人：</translation>
    </message>
    <message>
        <source>Instructing party:</source>
        <translation>委托方：</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>案情描述：</translation>
    </message>
    <message>
        <source>The examiner is recorded as the actor of every entry in the audit log. The particulars can be amended later (Case ▸ Properties); each change is recorded with its reason.</source>
        <translation>鉴定人将被记录为审计日志中每条记录的操作人。上述案件信息以后可以更正（案件 ▸ 属性），每次更正都会连同理由一并记录。</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Folder for the new case</source>
        <translation>新案件的文件夹</translation>
    </message>
</context>
<context>
    <name>PairPicker</name>
    <message>
        <source>(choose an image)</source>
        <translation>（选择一张图像）</translation>
    </message>
    <message>
        <source>Swap A and B</source>
        <translation>交换 A 和 B</translation>
    </message>
    <message>
        <source>Choose from the case (type to search by name, note, #id or SHA-256), or drag an artifact here</source>
        <translation>从案件中选择（可按名称、备注、#编号或 SHA-256 搜索），或将证据项拖到此处</translation>
    </message>
</context>
<context>
    <name>PairTab</name>
    <message>
        <source>optional: text for CLIP text–image similarity (needs a CLIP model)</source>
        <translation>可选：用于 CLIP 文本–图像相似度的文本（需要 CLIP 模型）</translation>
    </message>
    <message>
        <source>Text to measure against both images with CLIP (the preferences name the CLIP model); leave empty to compare the images only</source>
        <translation>用 CLIP 与两幅图像分别比较的文字（CLIP 模型在首选项中指定）；留空则只比较图像</translation>
    </message>
    <message>
        <source>Run comparison</source>
        <translation>运行比较</translation>
    </message>
    <message>
        <source>Compute every metric for A and B (Ctrl+R)</source>
        <translation>计算 A 与 B 的全部指标（Ctrl+R）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Add Finding…</source>
        <translation>添加检验意见…</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>Stop the comparison; nothing is stored</source>
        <translation>停止比较；不保存任何内容</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>舍弃</translation>
    </message>
    <message>
        <source>Every comparison run here is kept in the case. Discard withdraws this one: an amendment with the reason “discarded in the window” is recorded in the audit log, and the record stays in the case marked withdrawn</source>
        <translation>在此运行的每次比较都会保存在案件中。“舍弃”会撤回本次比较：一条理由为“discarded in the window”（在窗口中舍弃）的更正记录会写入审计日志，该记录仍保留在案件中并标记为已撤回</translation>
    </message>
    <message>
        <source>Withdrawing the comparison record…</source>
        <translation>正在撤回比较记录…</translation>
    </message>
    <message>
        <source>Comparison record #{id} as stored ({time} UTC): A #{a} compared with B #{b}; nothing was measured anew.</source>
        <translation>按保存内容显示比较记录 #{id}（{time} UTC）：A #{a} 与 B #{b} 的比较；未重新测量。</translation>
    </message>
    <message>
        <source>Comparison record #{id}: its numbers cannot be read back by this version. Press Run comparison to measure A against B again.</source>
        <translation>比较记录 #{id}：此版本无法读回其数值。请按“运行比较”重新测量 A 与 B。</translation>
    </message>
    <message>
        <source>Kept in the case as comparison record #{id} (every comparison is kept; Discard withdraws it).</source>
        <translation>已作为比较记录 #{id} 保存在案件中（每次比较都会保存；“舍弃”可将其撤回）。</translation>
    </message>
    <message>
        <source>Comparison record #{id} discarded: withdrawn by an amendment in the audit log. It stays in the case, marked withdrawn.</source>
        <translation>比较记录 #{id} 已舍弃：已由审计日志中的一条更正撤回。它仍保留在案件中，并标记为已撤回。</translation>
    </message>
    <message>
        <source>Run the comparison first: a finding is about its stored record.</source>
        <translation>请先运行比较：检验意见针对的是其已保存的记录。</translation>
    </message>
    <message>
        <source>Record an observation about this stored comparison</source>
        <translation>记录对这次已保存比较的观察</translation>
    </message>
    <message>
        <source>Comparing A and B…</source>
        <translation>正在比较 A 与 B…</translation>
    </message>
    <message>
        <source>Choose images A and B from the case.</source>
        <translation>请从案件中选择图像 A 和 B。</translation>
    </message>
    <message>
        <source>Press Run comparison to measure A against B.</source>
        <translation>点击“运行比较”以度量 A 与 B。</translation>
    </message>
    <message>
        <source>A #{a} compared with B #{b}.</source>
        <translation>已比较 A #{a} 与 B #{b}。</translation>
    </message>
    <message>
        <source>Not kept: the case is open read-only.</source>
        <translation>未保存：案件以只读方式打开。</translation>
    </message>
    <message>
        <source>How the images were read</source>
        <translation>图像的读取方式</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Keypoints: {inliers} inliers of {matches} matches; {status}</source>
        <translation>关键点：{matches} 个匹配中有 {inliers} 个内点；{status}</translation>
    </message>
    <message>
        <source>Difference: mean {mean:.2%} of full scale; {changed:.1%} of pixels changed</source>
        <translation>差异：平均为满量程的 {mean:.2%}；{changed:.1%} 的像素有变化</translation>
    </message>
    <message>
        <source>Registered SSIM: {ssim:.4f} over {share:.0%} of A</source>
        <translation>配准后 SSIM：{ssim:.4f}（覆盖 A 的 {share:.0%}）</translation>
    </message>
    <message>
        <source>Sources of the bands</source>
        <translation>区间的依据</translation>
    </message>
</context>
<context>
    <name>PathField</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>folder holding checkpoints and LoRAs</source>
        <translation>存放检查点和 LoRA 的文件夹</translation>
    </message>
    <message>
        <source>optional: local CLIP weights for analysis</source>
        <translation>可选：用于分析的本地 CLIP 权重</translation>
    </message>
    <message>
        <source>ViT-B-32 (for a checkpoint file; a model folder names its own)</source>
        <translation>ViT-B-32（用于权重文件；模型文件夹自带架构名称）</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Load the model when the window starts</source>
        <translation>窗口启动时加载模型</translation>
    </message>
    <message>
        <source>The Generate panel lists the base models and LoRAs found in this folder</source>
        <translation>生成面板列出在此文件夹中找到的基础模型和 LoRA</translation>
    </message>
    <message>
        <source>A CLIP checkpoint file or folder on this computer; the comparison then also measures CLIP cosine (nothing is downloaded)</source>
        <translation>本机上的 CLIP 检查点文件或文件夹；比较时还会测量 CLIP 余弦相似度（不下载任何内容）</translation>
    </message>
    <message>
        <source>The open_clip architecture of a bare checkpoint file, e.g. ViT-B-32</source>
        <translation>单个检查点文件的 open_clip 架构，例如 ViT-B-32</translation>
    </message>
    <message>
        <source>Where models run: automatic picks the GPU when there is one, else the CPU</source>
        <translation>模型在何处运行：自动表示有 GPU 时用 GPU，否则用 CPU</translation>
    </message>
    <message>
        <source>Load the Generate panel&apos;s model in the background at start, so the first generation does not wait for it (uses memory while the window is open)</source>
        <translation>启动时在后台加载生成面板的模型，第一次生成就无需等待（窗口打开期间占用内存）</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>CLIP model:</source>
        <translation>CLIP 模型：</translation>
    </message>
    <message>
        <source>CLIP architecture:</source>
        <translation>CLIP 架构：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>recorded as the actor in audit logs</source>
        <translation>在审计日志中记录为操作人</translation>
    </message>
    <message>
        <source>Your name, written into the audit log of every change</source>
        <translation>您的姓名，写入每次更改的审计日志</translation>
    </message>
    <message>
        <source>Your laboratory or firm; new cases and reports name it</source>
        <translation>您的实验室或机构；新案件和报告会写明</translation>
    </message>
    <message>
        <source>Examiner</source>
        <translation>鉴定人</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Organisation:</source>
        <translation>机构：</translation>
    </message>
    <message>
        <source>The window&apos;s language (the report chooses its own)</source>
        <translation>窗口的语言（报告另行选择语言）</translation>
    </message>
    <message>
        <source>Light, dark, or as the system is set</source>
        <translation>浅色、深色，或跟随系统设置</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose it with a file dialog</source>
        <translation>用文件对话框选择</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
</context>
<context>
    <name>Provenance</name>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG 系数</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>CLIP skip</source>
        <translation>CLIP 跳层</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Denoising strength</source>
        <translation>重绘幅度</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Hires fix</source>
        <translation>高清修复</translation>
    </message>
    <message>
        <source>Refiner</source>
        <translation>精修模型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Remote URL</source>
        <translation>远程地址</translation>
    </message>
    <message>
        <source>Claimed by</source>
        <translation>声明生成方</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Signer</source>
        <translation>签名者</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>颁发者</translation>
    </message>
    <message>
        <source>Signed at</source>
        <translation>签名时间</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证结果</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Source type</source>
        <translation>来源类型</translation>
    </message>
    <message>
        <source>Assertion</source>
        <translation>断言</translation>
    </message>
    <message>
        <source>Status code</source>
        <translation>状态码</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Inferred</source>
        <translation>推断</translation>
    </message>
    <message>
        <source>Watermark</source>
        <translation>水印</translation>
    </message>
    <message>
        <source>Digital source type (IPTC)</source>
        <translation>数字来源类型（IPTC）</translation>
    </message>
    <message>
        <source>AI system</source>
        <translation>AI 系统</translation>
    </message>
    <message>
        <source>AI system version</source>
        <translation>AI 系统版本</translation>
    </message>
    <message>
        <source>AI prompt</source>
        <translation>AI 提示词</translation>
    </message>
    <message>
        <source>AI prompt writer</source>
        <translation>AI 提示词作者</translation>
    </message>
    <message>
        <source>Generated by</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>信任状态</translation>
    </message>
    <message>
        <source>Hard binding</source>
        <translation>硬绑定</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>清单</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Ingredient</source>
        <translation>素材</translation>
    </message>
    <message>
        <source>base</source>
        <translation>基础</translation>
    </message>
    <message>
        <source>refiner</source>
        <translation>精修</translation>
    </message>
    <message>
        <source>hires pass</source>
        <translation>高清修复</translation>
    </message>
    <message>
        <source>detailer</source>
        <translation>细节修复</translation>
    </message>
    <message>
        <source>other pass</source>
        <translation>其他阶段</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
</context>
<context>
    <name>ProvenanceView</name>
    <message>
        <source>Send Recipe to Generate</source>
        <translation>发送到生成面板</translation>
    </message>
    <message>
        <source>Fill the Generate panel&apos;s fields from this image&apos;s recipe</source>
        <translation>用此图像的生成参数填写“生成”面板的各字段</translation>
    </message>
    <message>
        <source>Reproduce…</source>
        <translation>复现…</translation>
    </message>
    <message>
        <source>Regenerate the image from its recipe and compare (as `workstation reproduce`)</source>
        <translation>按生成参数重新生成该图像并与之对比（与 `workstation reproduce` 相同）</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Raw fields</source>
        <translation>原始字段</translation>
    </message>
    <message>
        <source>Select an image to see what it says about its making.</source>
        <translation>选择一张图像，查看其自身记录的生成信息。</translation>
    </message>
    <message>
        <source>Recorded when the image was imported into the case.</source>
        <translation>图像导入案件时已记录。</translation>
    </message>
    <message>
        <source>Not recorded at import; read from the stored file now.</source>
        <translation>导入时未记录；现从案件存储的文件中读取。</translation>
    </message>
    <message>
        <source>`workstation case provenance` records it for every image without one</source>
        <translation>`workstation case provenance` 会为每张尚无记录的图像补录</translation>
    </message>
    <message>
        <source>The image records no recipe</source>
        <translation>该图像未记录生成参数</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>未发现</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>The file records no generator settings and no Content Credentials. That is not evidence either way: most sites and editors remove them.</source>
        <translation>该文件未记录生成参数，也没有内容凭证（C2PA）。这不能证明任何一方：多数网站和编辑软件会删除这些信息。</translation>
    </message>
    <message numerus="yes">
        <source>%n raw field(s), verbatim, in the Raw fields tab.</source>
        <translation>
            <numerusform>%n 个原始字段原样列于“原始字段”标签页。</numerusform>
        </translation>
    </message>
    <message>
        <source>Recipe ({generator}, from {source})</source>
        <translation>生成参数（{generator}，读自 {source}）</translation>
    </message>
    <message numerus="yes">
        <source>Raw fields (%n), verbatim</source>
        <translation>
            <numerusform>原始字段（%n 个，原样显示）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Warnings (%n)</source>
        <translation>
            <numerusform>警告（%n 条）</numerusform>
        </translation>
    </message>
    <message>
        <source>C2PA Content Credentials</source>
        <translation>C2PA 内容凭证</translation>
    </message>
    <message>
        <source>Invisible watermark</source>
        <translation>隐形水印</translation>
    </message>
    <message>
        <source>Stage {number}: {role}</source>
        <translation>阶段 {number}：{role}</translation>
    </message>
    <message>
        <source>Grey italic: not stated in the file but inferred by the reader, as follows.</source>
        <translation>灰色斜体：文件中未写明，由读取程序推断，依据如下。</translation>
    </message>
    <message>
        <source>{start}–{end} of {total}</source>
        <translation>第 {start}–{end} 步（共 {total} 步）</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Adds noise</source>
        <translation>添加噪声</translation>
    </message>
    <message>
        <source>Returns leftover noise</source>
        <translation>返回剩余噪声</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>(+{count} characters)</source>
        <translation>（另有 {count} 个字符）</translation>
    </message>
    <message>
        <source>Copy value</source>
        <translation>复制完整值</translation>
    </message>
</context>
<context>
    <name>RecipeDialog</name>
    <message>
        <source>Edit the Request</source>
        <translation>编辑请求</translation>
    </message>
    <message>
        <source>The base model: a diffusers folder or a checkpoint file</source>
        <translation>基础模型：diffusers 文件夹或检查点文件</translation>
    </message>
    <message>
        <source>one per line: PATH or PATH:SCALE</source>
        <translation>每行一个：路径 或 路径:权重</translation>
    </message>
    <message>
        <source>LoRA files, one per line, each with its scale after a colon (default 1)</source>
        <translation>LoRA 文件，每行一个，冒号后为其权重（默认为 1）</translation>
    </message>
    <message>
        <source>What the image shows</source>
        <translation>图像所显示的内容</translation>
    </message>
    <message>
        <source>What it must not show (optional)</source>
        <translation>图像不得显示的内容（可选）</translation>
    </message>
    <message>
        <source>The seed of the initial noise (a seed sweep replaces it with its seeds)</source>
        <translation>初始噪声的种子（种子扫描会以其种子替代）</translation>
    </message>
    <message>
        <source>Denoising steps</source>
        <translation>去噪步数</translation>
    </message>
    <message>
        <source>CFG scale: how strongly the prompt steers each step</source>
        <translation>CFG 系数：提示词对每一步的引导强度</translation>
    </message>
    <message>
        <source>Workstation (diffusers)</source>
        <translation>本工作站（diffusers）</translation>
    </message>
    <message>
        <source>AUTOMATIC1111 / Forge</source>
        <translation>AUTOMATIC1111 / Forge</translation>
    </message>
    <message>
        <source>ComfyUI</source>
        <translation>ComfyUI</translation>
    </message>
    <message>
        <source>Whose sampling to follow: its sampler and schedule names, noise and syntax</source>
        <translation>遵循哪种采样方式：其采样器和调度名称、噪声及语法</translation>
    </message>
    <message>
        <source>The sampler, in the chosen convention&apos;s names</source>
        <translation>采样器（使用所选约定中的名称）</translation>
    </message>
    <message>
        <source>The sigma schedule (A1111 and ComfyUI); empty: the sampler&apos;s own</source>
        <translation>sigma 调度（A1111 和 ComfyUI）；留空：使用采样器自身的调度</translation>
    </message>
    <message>
        <source>Width in pixels (0: the model&apos;s native)</source>
        <translation>宽度（像素；0：模型的原生尺寸）</translation>
    </message>
    <message>
        <source>Height in pixels (0: the model&apos;s native)</source>
        <translation>高度（像素；0：模型的原生尺寸）</translation>
    </message>
    <message>
        <source>A1111 clip skip (1 = none)</source>
        <translation>A1111 CLIP 跳过层数（1 = 不跳过）</translation>
    </message>
    <message>
        <source>Init image for img2img; empty: text to image</source>
        <translation>图生图的初始图像；留空：文生图</translation>
    </message>
    <message>
        <source>img2img denoising strength (used with an init image)</source>
        <translation>图生图的去噪强度（与初始图像一起使用）</translation>
    </message>
    <message>
        <source>Where the model runs</source>
        <translation>模型运行的位置</translation>
    </message>
    <message>
        <source>The numbers the model computes with</source>
        <translation>模型计算所用的数值精度</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>LoRAs:</source>
        <translation>LoRA：</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>Negative:</source>
        <translation>反向提示词：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>CFG scale:</source>
        <translation>CFG 系数：</translation>
    </message>
    <message>
        <source>Follow:</source>
        <translation>遵循：</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>采样器：</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>调度：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <source>CLIP skip:</source>
        <translation>CLIP 跳过层数：</translation>
    </message>
    <message>
        <source>Init image:</source>
        <translation>初始图像：</translation>
    </message>
    <message>
        <source>Strength:</source>
        <translation>重绘幅度：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>native</source>
        <translation>原生</translation>
    </message>
    <message>
        <source>the sampler&apos;s own</source>
        <translation>采样器自身的调度</translation>
    </message>
    <message>
        <source>Give the model.</source>
        <translation>请指定模型。</translation>
    </message>
    <message>
        <source>The seed must be a whole number from 0 to {max}.</source>
        <translation>种子必须是 0 到 {max} 之间的整数。</translation>
    </message>
</context>
<context>
    <name>RecordList</name>
    <message>
        <source>Add Finding…</source>
        <translation>添加检验意见…</translation>
    </message>
</context>
<context>
    <name>RecordsPanel</name>
    <message>
        <source>comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>study</source>
        <translation>研究</translation>
    </message>
    <message>
        <source>lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>reproduction</source>
        <translation>复现</translation>
    </message>
    <message>
        <source>model examination</source>
        <translation>模型检验</translation>
    </message>
    <message>
        <source>corpus search</source>
        <translation>参考库检索</translation>
    </message>
    <message>
        <source>report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>finding</source>
        <translation>检验意见</translation>
    </message>
    <message>
        <source>provenance</source>
        <translation>来源信息</translation>
    </message>
    <message>
        <source>amendment</source>
        <translation>更正</translation>
    </message>
    <message>
        <source>Show the records of one kind only</source>
        <translation>只显示一种类型的记录</translation>
    </message>
    <message>
        <source>All but provenance</source>
        <translation>除来源信息外全部</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Search: title, file name, #id, examiner</source>
        <translation>搜索：标题、文件名、#编号、检验人</translation>
    </message>
    <message>
        <source>Show the records whose title, kind, examiner, withdrawal reason or linked file names contain this text; #12 or R12 finds record 12</source>
        <translation>显示标题、类型、检验人、撤回理由或所链接文件名中包含此文字的记录；输入 #12 或 R12 查找第 12 号记录</translation>
    </message>
    <message>
        <source>Show withdrawn</source>
        <translation>显示已撤回</translation>
    </message>
    <message>
        <source>Also list the records an amendment withdrew (greyed): they stay in the case and its audit log</source>
        <translation>同时列出已被更正撤回的记录（灰色显示）：它们仍保留在案件及其审计日志中</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show the selected record in its panel (double-click or Enter)</source>
        <translation>在对应面板中显示所选记录（双击或按回车）</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>时间（UTC）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Every record of the case, newest first; double-click one to open it</source>
        <translation>案件的全部记录，最新的在前；双击一条即可打开</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>in the case</source>
        <translation>在案件中</translation>
    </message>
    <message>
        <source>Recorded {time} UTC by {actor}</source>
        <translation>由 {actor} 于 {time} UTC 记录</translation>
    </message>
    <message numerus="yes">
        <source>%n kept denoising step(s)</source>
        <translation>
            <numerusform>保留了 %n 个去噪步骤</numerusform>
        </translation>
    </message>
    <message>
        <source>Withdrawn: {reason}</source>
        <translation>已撤回：{reason}</translation>
    </message>
    <message>
        <source>No case is open.</source>
        <translation>未打开案件。</translation>
    </message>
    <message numerus="yes">
        <source>Showing %n of {total} record(s)</source>
        <translation>
            <numerusform>显示 {total} 条记录中的 %n 条</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n withdrawn hidden</source>
        <translation>
            <numerusform>；%n 条已撤回的记录未显示</numerusform>
        </translation>
    </message>
    <message>
        <source>Double-click a record to open it.</source>
        <translation>双击记录即可打开。</translation>
    </message>
</context>
<context>
    <name>ReportCheckDialog</name>
    <message>
        <source>Report check</source>
        <translation>报告核验</translation>
    </message>
    <message>
        <source>{file} is report {report} of this case, unchanged, and the case still holds the chain head it was made from.</source>
        <translation>{file} 是本案件的报告 {report}，未被改动，且案件仍包含生成该报告时的链头。</translation>
    </message>
    <message numerus="yes">
        <source>{file} does NOT match: %n problem(s).</source>
        <translation>
            <numerusform>{file} 不一致：%n 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>Report {report} of case {case}
Made from chain head {head}
File SHA-256 {sha}</source>
        <translation>案件 {case} 的报告 {report}
生成时的链头 {head}
文件 SHA-256 {sha}</translation>
    </message>
    <message>
        <source>OK  {check}</source>
        <translation>通过  {check}</translation>
    </message>
    <message>
        <source>MISMATCH  {problem}</source>
        <translation>不一致  {problem}</translation>
    </message>
    <message>
        <source>note  {note}</source>
        <translation>注  {note}</translation>
    </message>
</context>
<context>
    <name>ReportPanel</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Build even if stored files are missing or altered (they are marked in red)</source>
        <translation>即使存储的文件缺失或被改动也生成（这些文件以红色标出）</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Optional: the report is stored in the case; a copy can also go here</source>
        <translation>可选：报告保存在案件中；也可在此导出一份副本</translation>
    </message>
    <message>
        <source>Expert report</source>
        <translation>专家报告</translation>
    </message>
    <message>
        <source>Appraisal opinion (司法鉴定意见书)</source>
        <translation>鉴定意见书（司法鉴定意见书格式）</translation>
    </message>
    <message>
        <source>Expert report: instructions and scope, materials, methods, results with your findings, limitations, declaration and signature.
Appraisal opinion: the sections of a Chinese judicial appraisal opinion on electronic data (basic information, case summary, examination, analysis, opinion, signature, attachments), with SHA-256 and SM3 check values.</source>
        <translation>专家报告：委托事项与范围、所检验的材料、方法、附有您的检验意见的检验结果、局限性、声明和签名。
鉴定意见书：按电子数据司法鉴定意见书的结构（基本情况、检案摘要、检验过程、分析说明、鉴定意见、落款、附件），并给出 SHA-256 和 SM3 校验值。</translation>
    </message>
    <message>
        <source>Printed on the cover; empty: the case&apos;s title</source>
        <translation>印在封面上；留空则使用案件名称</translation>
    </message>
    <message>
        <source>The report&apos;s language, whatever the window&apos;s</source>
        <translation>报告的语言，与窗口语言无关</translation>
    </message>
    <message>
        <source>Optional: a copy of the PDF with its .sha256 file is also written here</source>
        <translation>可选：另在此处写出 PDF 副本及其 .sha256 文件</translation>
    </message>
    <message>
        <source>Structure:</source>
        <translation>结构：</translation>
    </message>
    <message>
        <source>Export a copy to:</source>
        <translation>导出副本到：</translation>
    </message>
    <message>
        <source>All evidence (pictures made for a record appear in its section)</source>
        <translation>全部证据（为某条记录生成的图片显示在该记录的章节中）</translation>
    </message>
    <message>
        <source>Only the artifacts ticked below, in this order (drag to reorder)</source>
        <translation>仅下方勾选的证据项，按此顺序（拖动可调整顺序）</translation>
    </message>
    <message>
        <source>Otherwise the report is refused while a stored file fails its hash</source>
        <translation>否则只要有存储文件的哈希不符，就拒绝生成报告</translation>
    </message>
    <message>
        <source>Every artifact of the case is an exhibit</source>
        <translation>案件中的每个文件都是证物</translation>
    </message>
    <message>
        <source>Only the ticked artifacts are exhibits, numbered in the order shown</source>
        <translation>只有勾选的文件是证物，按所示顺序编号</translation>
    </message>
    <message>
        <source>Exhibits</source>
        <translation>展示的证据</translation>
    </message>
    <message>
        <source>Build report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open PDF</source>
        <translation>打开 PDF</translation>
    </message>
    <message>
        <source>Show exported copy</source>
        <translation>显示导出的副本</translation>
    </message>
    <message>
        <source>Export a copy…</source>
        <translation>导出副本…</translation>
    </message>
    <message>
        <source>Reports stored in this case (double-click to open)</source>
        <translation>本案件中保存的报告（双击打开）</translation>
    </message>
    <message>
        <source>Check a report file…</source>
        <translation>核验报告文件…</translation>
    </message>
    <message>
        <source>Is a PDF a report of this case, unchanged, and does the case still hold the chain head it was made from? (workstation report-verify)</source>
        <translation>核验某个 PDF 是否为本案件的报告、是否未被改动，以及案件是否仍包含生成该报告时的链头（workstation report-verify）</translation>
    </message>
    <message>
        <source>Export a copy of the report to</source>
        <translation>将报告副本导出到</translation>
    </message>
    <message>
        <source>Replace the file?</source>
        <translation>替换该文件？</translation>
    </message>
    <message>
        <source>{path} already exists. Replace it with the new report?</source>
        <translation>{path} 已存在。要用新报告替换它吗？</translation>
    </message>
    <message>
        <source>Built report {id}: {pages} page(s), {exhibits} exhibit(s), SHA-256 {sha}.</source>
        <translation>已生成报告 {id}：{pages} 页，{exhibits} 件展示证据，SHA-256 {sha}。</translation>
    </message>
    <message>
        <source>Stored in the case as record #{record} (artifact #{artifact}).</source>
        <translation>已作为记录 #{record}（证据项 #{artifact}）保存在案件中。</translation>
    </message>
    <message>
        <source>The case is read-only: the report was NOT stored in it; it exists only as the exported file.</source>
        <translation>案件为只读：报告未保存在案件中，仅以导出的文件存在。</translation>
    </message>
    <message>
        <source>Exported a copy to {path} (SHA-256 also in {file}).</source>
        <translation>已将副本导出到 {path}（SHA-256 另见 {file}）。</translation>
    </message>
    <message>
        <source>Evidence report: {case}</source>
        <translation>证据报告：{case}</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Tick at least one artifact, or choose All evidence.</source>
        <translation>请至少勾选一个证据项，或选择“全部证据”。</translation>
    </message>
    <message>
        <source>This case is read-only (read-only media or no write permission), so the report cannot be stored in it. Choose a file to export it to.</source>
        <translation>此案件为只读（只读介质或无写入权限），报告无法保存在其中。请选择一个导出文件。</translation>
    </message>
    <message>
        <source>Not built: the existing file was kept.</source>
        <translation>未生成：已保留现有文件。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Re-hashing the evidence and laying out the report…</source>
        <translation>正在重新计算证据哈希并排版报告…</translation>
    </message>
    <message>
        <source>Warning: {text}</source>
        <translation>警告：{text}</translation>
    </message>
    <message>
        <source>The report was not built.</source>
        <translation>报告未生成。</translation>
    </message>
    <message>
        <source>Export a copy of the report</source>
        <translation>导出报告副本</translation>
    </message>
    <message>
        <source>Exported a copy to {path}.</source>
        <translation>已将副本导出到 {path}。</translation>
    </message>
    <message>
        <source>Check a report file</source>
        <translation>核验报告文件</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>正在核验 {file}…</translation>
    </message>
    <message>
        <source>{path} no longer exists.</source>
        <translation>{path} 已不存在。</translation>
    </message>
</context>
<context>
    <name>ReproduceDialog</name>
    <message>
        <source>Reproduce an Image</source>
        <translation>复现图像</translation>
    </message>
    <message>
        <source>(the file below)</source>
        <translation>（下方的文件）</translation>
    </message>
    <message>
        <source>Images ({patterns})</source>
        <translation>图像 ({patterns})</translation>
    </message>
    <message>
        <source>The image to reproduce, from the case; its recorded recipe is read</source>
        <translation>要复现的图像（取自案件）；读取其记录的配方</translation>
    </message>
    <message>
        <source>Or an image file outside the case</source>
        <translation>或案件之外的图像文件</translation>
    </message>
    <message>
        <source>Where to look for the models the recipe names (matched by hash, else by name)</source>
        <translation>在何处查找配方所指的模型（按哈希匹配，否则按名称）</translation>
    </message>
    <message>
        <source>Disputed image:</source>
        <translation>争议图像：</translation>
    </message>
    <message>
        <source>or a file:</source>
        <translation>或文件：</translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Find Models</source>
        <translation>查找模型</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>记录值</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>找到的文件</translation>
    </message>
    <message>
        <source>Matched by</source>
        <translation>匹配依据</translation>
    </message>
    <message>
        <source>Reproduce</source>
        <translation>复现</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Compare Side by Side</source>
        <translation>并排对比</translation>
    </message>
    <message>
        <source>Show the disputed and the regenerated image in the Compare panel</source>
        <translation>在“对比”面板中并排显示争议图像与重新生成的图像</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v/%m 步</translation>
    </message>
    <message>
        <source>Choose the disputed image and the models folder.</source>
        <translation>请选择争议图像和模型文件夹。</translation>
    </message>
    <message>
        <source>Find Models reads the image&apos;s recipe and looks for its models by their recorded hashes; hashes come from a per-user listing cache, and the files used are hashed again as they load.</source>
        <translation>“查找模型”读取图像的生成配方，并按记录的哈希值查找其模型；哈希值来自按用户保存的列表缓存，实际使用的文件在载入时会重新计算哈希。</translation>
    </message>
    <message>
        <source>Reading the recipe and scanning the models folder…</source>
        <translation>正在读取配方并扫描模型文件夹…</translation>
    </message>
    <message>
        <source>checkpoint</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>name only</source>
        <translation>仅名称</translation>
    </message>
    <message>
        <source>LoRA hash</source>
        <translation>LoRA 哈希</translation>
    </message>
    <message>
        <source>NOT FOUND</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>Recipe from {source} ({generator}); {count} file(s) scanned.</source>
        <translation>配方来自 {source}（{generator}）；已扫描 {count} 个文件。</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s) are not in the folder: put the files with the hashes shown into it and find them again.</source>
        <translation>
            <numerusform>文件夹中缺少 %n 个模型：请将具有所示哈希值的文件放入该文件夹后重新查找。</numerusform>
        </translation>
    </message>
    <message>
        <source>Every model was found.</source>
        <translation>所有模型均已找到。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在载入模型…</translation>
    </message>
    <message>
        <source>EXACT MATCH: all {width}×{height} pixels are identical.</source>
        <translation>完全一致：全部 {width}×{height} 个像素相同。</translation>
    </message>
    <message>
        <source>Not identical: the disputed image is {width}×{height}, the regenerated one {other_width}×{other_height}.</source>
        <translation>不一致：争议图像为 {width}×{height}，重新生成的图像为 {other_width}×{other_height}。</translation>
    </message>
    <message>
        <source>Not identical: {identical:.1%} of the pixels are equal; mean difference {mean:.2f}/255, largest {largest}.</source>
        <translation>不一致：{identical:.1%} 的像素相同；平均差异 {mean:.2f}/255，最大 {largest}。</translation>
    </message>
    <message>
        <source>Stored in the case as reproduction record #{record}; the regenerated image is artifact #{artifact}.</source>
        <translation>已作为复现记录 #{record} 存入案件；重新生成的图像为证据项 #{artifact}。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Open a case first: the reproduction is stored in it</source>
        <translation>请先打开案件：复现结果将存入其中</translation>
    </message>
</context>
<context>
    <name>RequestBox</name>
    <message>
        <source>Request each image is generated with</source>
        <translation>生成每幅图像所用的请求</translation>
    </message>
    <message>
        <source>Start from the request of one of the case&apos;s generation records: its model, prompt, seed and settings</source>
        <translation>以案件中某条生成记录的请求为起点：其模型、提示词、种子和设置</translation>
    </message>
    <message>
        <source>Take from Generate tab</source>
        <translation>从“生成”标签页获取</translation>
    </message>
    <message>
        <source>Copy the Generate tab&apos;s fields as they are now; later changes there do not change this request</source>
        <translation>复制“生成”标签页当前的各字段；之后在那里所做的修改不会改变此请求</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Change any field of the request shown</source>
        <translation>修改所显示请求的任一字段</translation>
    </message>
    <message>
        <source>The request the study runs, exactly as shown</source>
        <translation>研究将完全按此处所示运行的请求</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>(a generation record of the case…)</source>
        <translation>（案件中的一条生成记录…）</translation>
    </message>
    <message>
        <source>From generation record #{id}.</source>
        <translation>来自生成记录 #{id}。</translation>
    </message>
    <message>
        <source>Not carried over (no field for it): {what}.</source>
        <translation>未带入（没有对应字段）：{what}。</translation>
    </message>
    <message>
        <source>Taken from the Generate tab at {time}.</source>
        <translation>于 {time} 从“生成”标签页获取。</translation>
    </message>
    <message>
        <source>Edited.</source>
        <translation>已编辑。</translation>
    </message>
    <message>
        <source>No request yet: choose a generation record above, or take the Generate tab&apos;s.</source>
        <translation>尚无请求：请在上方选择一条生成记录，或获取“生成”标签页的请求。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>CFG scale</source>
        <translation>CFG 系数</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>CLIP skip</source>
        <translation>CLIP 跳层</translation>
    </message>
    <message>
        <source>Init image</source>
        <translation>初始图像</translation>
    </message>
    <message>
        <source>Refiner</source>
        <translation>精修模型</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>swept by the study</source>
        <translation>由研究扫描取值</translation>
    </message>
    <message>
        <source>the model&apos;s native size</source>
        <translation>模型的原生尺寸</translation>
    </message>
    <message>
        <source>#{id}  {prompt}  · seed {seed} · {steps} steps</source>
        <translation>#{id}  {prompt}  · 种子 {seed} · {steps} 步</translation>
    </message>
</context>
<context>
    <name>RunOn</name>
    <message>
        <source>In this process</source>
        <translation>在本进程中</translation>
    </message>
    <message>
        <source>Ray (several at once)</source>
        <translation>Ray（同时多个）</translation>
    </message>
    <message>
        <source>Where the work is computed: in this process, or on Ray workers (this machine&apos;s cores, or the Ray cluster at the address given; needs the optional Ray install). Either way only this window writes to the case.</source>
        <translation>在何处计算：在本进程中，或在 Ray 工作进程上（本机的处理器核心，或所给地址的 Ray 集群；需要可选安装 Ray）。无论哪种方式，只有本窗口写入案件。</translation>
    </message>
    <message>
        <source>this machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Empty: Ray on this machine&apos;s cores; host:port: a running Ray cluster</source>
        <translation>留空：在本机核心上运行 Ray；host:port：一个正在运行的 Ray 集群</translation>
    </message>
</context>
<context>
    <name>SeedField</name>
    <message>
        <source>The seed of the noise the generation starts from: the same seed and settings give the same image</source>
        <translation>生成起始噪声的种子：相同的种子和设置生成相同的图像</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
    <message>
        <source>Locked: every generation uses this seed</source>
        <translation>已锁定：每次生成都使用此种子</translation>
    </message>
    <message>
        <source>Unlocked: each generation draws a new random seed</source>
        <translation>未锁定：每次生成都会抽取新的随机种子</translation>
    </message>
    <message>
        <source>The seed must be a whole number from 0 to {max}.</source>
        <translation>种子必须是 0 到 {max} 之间的整数。</translation>
    </message>
</context>
<context>
    <name>StudiesTab</name>
    <message>
        <source>The study&apos;s plot of the measurements, or the grid of its images</source>
        <translation>研究的测量图表，或其图像网格</translation>
    </message>
    <message>
        <source>Plot</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message numerus="yes">
        <source>%n study record(s) in this case.</source>
        <translation>
            <numerusform>本案件中有 %n 条研究记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>This case holds no studies yet. Sweeps of seed, img2img strength or LoRA scale appear here with their plots once they are recorded.</source>
        <translation>本案件还没有研究。种子、图生图重绘幅度或 LoRA 权重的扫描一经记录，就会连同曲线图显示在这里。</translation>
    </message>
</context>
<context>
    <name>StudyForm</name>
    <message>
        <source>Run a study</source>
        <translation>运行研究</translation>
    </message>
    <message>
        <source>Seed sweep (memorisation test)</source>
        <translation>种子扫描（记忆测试）</translation>
    </message>
    <message>
        <source>img2img strength sweep</source>
        <translation>图生图重绘幅度扫描</translation>
    </message>
    <message>
        <source>LoRA scale sweep (first LoRA)</source>
        <translation>LoRA 权重扫描（第一个 LoRA）</translation>
    </message>
    <message>
        <source>Denoising trajectory</source>
        <translation>去噪轨迹</translation>
    </message>
    <message>
        <source>What the study varies, and what it measures</source>
        <translation>研究改变什么，以及测量什么</translation>
    </message>
    <message>
        <source>(choose an image of the case)</source>
        <translation>（选择案件中的图像）</translation>
    </message>
    <message>
        <source>The case image each generated image is measured against (the source image of an img2img sweep)</source>
        <translation>每幅生成图像与之比较的案件图像（图生图扫描中为源图像）</translation>
    </message>
    <message>
        <source>The values swept, separated by commas</source>
        <translation>扫描的取值，以逗号分隔</translation>
    </message>
    <message>
        <source>Seeds separated by commas, or a range such as 1-20</source>
        <translation>以逗号分隔的种子，或 1-20 这样的范围</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Where the images are generated: in this process, or on Ray workers (this machine&apos;s cores, or the Ray cluster at the address given; needs the optional Ray install). Either way only this window writes to the case.</source>
        <translation>图像在何处生成：在本进程中，或在 Ray 工作进程上（本机的处理器核心，或所给地址的 Ray 集群；需要可选安装 Ray）。无论哪种方式，只有本窗口写入案件。</translation>
    </message>
    <message>
        <source>Choose the request to generate with: a generation record of the case, or take the Generate tab&apos;s.</source>
        <translation>请选择用于生成的请求：案件中的一条生成记录，或获取“生成”标签页的请求。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Generate and measure every image of the study with the request shown</source>
        <translation>按所显示的请求生成并测量研究的每幅图像</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop after the current step; finished images stay in the case, no study record is written</source>
        <translation>在当前步骤后停止；已完成的图像保留在案件中，不写入研究记录</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v/%m 步</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>研究</translation>
    </message>
    <message>
        <source>Run on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>源图像</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <source>Scales</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Strengths</source>
        <translation>重绘幅度</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>将在当前步骤后停止…</translation>
    </message>
    <message>
        <source>Cancelled; no study record was written. The finished images are stored in the case and reused when the same study runs again.</source>
        <translation>已取消；未写入研究记录。已完成的图像已存入案件，再次运行同一研究时将被复用。</translation>
    </message>
</context>
<context>
    <name>Targets</name>
    <message>
        <source>(withdrawn)</source>
        <translation>（已撤回）</translation>
    </message>
</context>
<context>
    <name>TrainDialog</name>
    <message>
        <source>Train a Model</source>
        <translation>训练模型</translation>
    </message>
    <message>
        <source>LoRA (adapts the base model)</source>
        <translation>LoRA（调整基础模型）</translation>
    </message>
    <message>
        <source>UNet (a model of its own)</source>
        <translation>UNet（独立模型）</translation>
    </message>
    <message>
        <source>Images with same-name .txt captions, or a captions.jsonl beside them</source>
        <translation>带同名 .txt 说明文字的图像，或旁边附有 captions.jsonl</translation>
    </message>
    <message>
        <source>The model whose VAE and text encoder are reused</source>
        <translation>复用其 VAE 和文本编码器的模型</translation>
    </message>
    <message>
        <source>LoRA (*.safetensors)</source>
        <translation>LoRA (*.safetensors)</translation>
    </message>
    <message>
        <source>A LoRA adapts the base model; a UNet is trained as a model of its own</source>
        <translation>LoRA 在基础模型上做适配；UNet 作为独立模型训练</translation>
    </message>
    <message>
        <source>Where the trained weights are written</source>
        <translation>训练得到的权重写入的位置</translation>
    </message>
    <message>
        <source>Optimisation steps; more steps fit the images more closely</source>
        <translation>优化步数；步数越多，对训练图像拟合得越紧</translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation>每步的图像数</translation>
    </message>
    <message>
        <source>Learning rate of the optimiser</source>
        <translation>优化器的学习率</translation>
    </message>
    <message>
        <source>Which layers the LoRA adapts</source>
        <translation>LoRA 适配哪些层</translation>
    </message>
    <message>
        <source>attention projections</source>
        <translation>注意力投影层</translation>
    </message>
    <message>
        <source>all layers (LoCon style)</source>
        <translation>全部层（LoCon 方式）</translation>
    </message>
    <message>
        <source>Targets:</source>
        <translation>目标层：</translation>
    </message>
    <message>
        <source>Train:</source>
        <translation>训练：</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v/%m 步</translation>
    </message>
    <message>
        <source>Nothing is stored in the case: the output is a file.</source>
        <translation>不会存入案件：输出为文件。</translation>
    </message>
    <message>
        <source>LoRA file:</source>
        <translation>LoRA 文件：</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Choose the images, the base model and the output.</source>
        <translation>请选择图像、基础模型和输出位置。</translation>
    </message>
    <message>
        <source>Loading the base model…</source>
        <translation>正在载入基础模型…</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>将在当前步骤后停止…</translation>
    </message>
    <message>
        <source>Step {step} of {total}, loss {loss:.4f}</source>
        <translation>第 {step}/{total} 步，损失 {loss:.4f}</translation>
    </message>
    <message>
        <source>Written: {out} ({steps} steps, {seconds:.0f} s).</source>
        <translation>已写入：{out}（{steps} 步，{seconds:.0f} 秒）。</translation>
    </message>
    <message>
        <source>Cancelled; a checkpoint was kept, and training again resumes from it.</source>
        <translation>已取消；已保留检查点，再次训练将从该处继续。</translation>
    </message>
    <message>
        <source>Cancelled; no LoRA file was written.</source>
        <translation>已取消；未写入 LoRA 文件。</translation>
    </message>
</context>
<context>
    <name>VerifyResultDialog</name>
    <message>
        <source>Case verification</source>
        <translation>案件校验</translation>
    </message>
    <message>
        <source>The case verified: every stored file and the audit chain match.</source>
        <translation>案件校验通过：所有存储文件和审计链均一致。</translation>
    </message>
    <message numerus="yes">
        <source>Verification FAILED: %n problem(s). The case may have been altered.</source>
        <translation>
            <numerusform>校验失败：%n 个问题。案件可能已被改动。</numerusform>
        </translation>
    </message>
    <message>
        <source>Checked {objects} stored file(s), {records} record(s), {links} link(s) and {entries} audit entries, both ways.
Chain head: {head}</source>
        <translation>已双向检查 {objects} 个存储文件、{records} 条记录、{links} 个关联和 {entries} 条审计日志。
链头：{head}</translation>
    </message>
    <message>
        <source>Not seen by verify alone: a case rewritten as a whole, audit chain included. Compare its chain head with one published earlier, such as the one printed in a report.</source>
        <translation>仅凭校验无法发现：整个案件（包括审计链）被整体重写。请将其链头与此前公布的链头（例如报告中打印的链头）进行比对。</translation>
    </message>
    <message>
        <source>MISMATCH  {problem}</source>
        <translation>不一致  {problem}</translation>
    </message>
    <message>
        <source>note  {note}</source>
        <translation>备注  {note}</translation>
    </message>
    <message>
        <source>Record in the Log</source>
        <translation>记入审计日志</translation>
    </message>
    <message>
        <source>Verify again and, when it passes, add a dated &apos;verified&apos; entry to the audit log (workstation case verify --record)</source>
        <translation>重新校验，通过后在审计日志中添加一条带日期的“校验通过”记录（workstation case verify --record）</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;New Case…</source>
        <translation>新建案件(&amp;N)…</translation>
    </message>
    <message>
        <source>Create a new case folder</source>
        <translation>创建新的案件文件夹</translation>
    </message>
    <message>
        <source>&amp;Open Case…</source>
        <translation>打开案件(&amp;O)…</translation>
    </message>
    <message>
        <source>Open an existing case</source>
        <translation>打开已有案件</translation>
    </message>
    <message>
        <source>&amp;Close Case</source>
        <translation>关闭案件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Import Files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <source>Copy files into the case (or drop them on the window)</source>
        <translation>将文件复制到案件中（也可以拖放到窗口上）</translation>
    </message>
    <message>
        <source>&amp;Export Report…</source>
        <translation>导出报告(&amp;E)…</translation>
    </message>
    <message>
        <source>Choose exhibits and build the PDF report</source>
        <translation>选择要展示的证据并生成 PDF 报告</translation>
    </message>
    <message>
        <source>Show Case &amp;Folder</source>
        <translation>显示案件文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Copy SHA-256</source>
        <translation>复制 SHA-256(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Verify Case</source>
        <translation>校验案件(&amp;V)</translation>
    </message>
    <message>
        <source>Re-hash every stored file and check the audit chain</source>
        <translation>重新计算每个存储文件的哈希并检查审计链</translation>
    </message>
    <message>
        <source>Add &amp;Finding…</source>
        <translation>添加检验意见(&amp;F)…</translation>
    </message>
    <message>
        <source>Record a finding about an artifact, a record or one of its figures</source>
        <translation>针对证据项、记录或其中的图表记录检验意见</translation>
    </message>
    <message>
        <source>&amp;Correct Role or Note…</source>
        <translation>更正角色或备注(&amp;C)…</translation>
    </message>
    <message>
        <source>Correct the selected artifact&apos;s role or note by an amendment</source>
        <translation>以更正记录更正所选证据项的角色或备注</translation>
    </message>
    <message>
        <source>&amp;Properties…</source>
        <translation>属性(&amp;P)…</translation>
    </message>
    <message>
        <source>The case number, court, parties and other particulars, with their history</source>
        <translation>案号、法院、当事人等案件信息及其更正历史</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Generate with the settings of the Generate panel</source>
        <translation>按“生成”面板的设置生成</translation>
    </message>
    <message>
        <source>&amp;Run Comparison</source>
        <translation>运行比较(&amp;R)</translation>
    </message>
    <message>
        <source>Compute every metric for images A and B</source>
        <translation>计算图像 A 与 B 的全部指标</translation>
    </message>
    <message>
        <source>&amp;Build Report</source>
        <translation>生成报告(&amp;B)</translation>
    </message>
    <message>
        <source>Build the PDF report with the Report panel&apos;s choices</source>
        <translation>按“报告”面板的选择生成 PDF 报告</translation>
    </message>
    <message>
        <source>Re&amp;produce an Image…</source>
        <translation>复现图像(&amp;P)…</translation>
    </message>
    <message>
        <source>Regenerate a disputed image from its recorded recipe and compare</source>
        <translation>按记录的配方重新生成争议图像并进行比较</translation>
    </message>
    <message>
        <source>&amp;Train a Model…</source>
        <translation>训练模型(&amp;T)…</translation>
    </message>
    <message>
        <source>Train a LoRA or a small UNet on a folder of captioned images</source>
        <translation>用一个带说明文字的图像文件夹训练 LoRA 或小型 UNet</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <source>List a model folder&apos;s files with their kinds and hashes; read a LoRA&apos;s training metadata</source>
        <translation>列出模型文件夹中的文件及其类型和哈希值；读取 LoRA 的训练元数据</translation>
    </message>
    <message>
        <source>&amp;User Guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <source>How to examine a case, and what each measurement means and does not mean</source>
        <translation>如何检验案件，以及每项测量的含义与不表示的含义</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Case</source>
        <translation>案件(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
</context>
<context>
    <name>WithdrawDialog</name>
    <message>
        <source>Withdraw</source>
        <translation>撤回</translation>
    </message>
    <message>
        <source>Withdraw {what}?</source>
        <translation>撤回 {what}？</translation>
    </message>
    <message>
        <source>It stays in the case and in the audit log, marked as withdrawn with your reason; the report shows it as withdrawn.</source>
        <translation>该记录仍保留在案件和审计日志中，并连同您的理由标记为已撤回；报告中也会显示为已撤回。</translation>
    </message>
    <message>
        <source>required, e.g. superseded by a later finding</source>
        <translation>必填，例如：已被后来的检验意见取代</translation>
    </message>
    <message>
        <source>Recorded with the withdrawal and shown in the report</source>
        <translation>随撤回一起记录，并在报告中显示</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
</context>
<context>
    <name>Workstation</name>
    <message>
        <source>The language changes when the current work has finished.</source>
        <translation>当前工作完成后将切换语言。</translation>
    </message>
</context>
</TS>
