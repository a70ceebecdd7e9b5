<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>Stridescope</name>
    <message>
      <source>Connecting to the kernel…</source>
      <translation>正在连接内核…</translation>
    </message>
    <message>
      <source>{source} · {count} tensors</source>
      <translation>{source} · {count} 个张量</translation>
    </message>
    <message>
      <source>kernel {name}</source>
      <translation>内核 {name}</translation>
    </message>
    <message>
      <source>Restore unsaved script?</source>
      <translation>恢复未保存的脚本？</translation>
    </message>
    <message>
      <source>Stridescope did not close normally last time. Restore the script you were working on?</source>
      <translation>Stridescope 上次没有正常关闭。要恢复你当时正在编辑的脚本吗？</translation>
    </message>
    <message>
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>放弃</translation>
    </message>
    <message>
      <source>Autosave failed: {reason}</source>
      <translation>自动保存失败：{reason}</translation>
    </message>
    <message>
      <source>(past the end)</source>
      <translation>（超出存储末尾）</translation>
    </message>
    <message>
      <source>storage index</source>
      <translation>存储下标</translation>
    </message>
    <message>
      <source>offset</source>
      <translation>偏移</translation>
    </message>
    <message>
      <source>byte address</source>
      <translation>字节地址</translation>
    </message>
    <message>
      <source>for example</source>
      <translation>例如</translation>
    </message>
    <message>
      <source>{name}[{index}] → storage index {k} (value {value})</source>
      <translation>{name}[{index}] → 存储下标 {k}（值 {value}）</translation>
    </message>
    <message>
      <source>storage S{id}[{cell}] is read by {names} · {n} cell(s) of the grid</source>
      <translation>存储 S{id}[{cell}] 被 {names} 读取 · 网格中 {n} 个单元</translation>
    </message>
    <message>
      <source>hover or click a cell to see its address</source>
      <translation>悬停或点击一个单元查看它的地址</translation>
    </message>
    <message>
      <source>no tensor</source>
      <translation>没有张量</translation>
    </message>
    <message>
      <source>stride</source>
      <translation>步长</translation>
    </message>
    <message>
      <source>these tensors were recorded elsewhere: open a script to add statements</source>
      <translation>这些张量是在别处记录的：要添加语句，请打开一个脚本</translation>
    </message>
    <message>
      <source>type a statement first</source>
      <translation>请先输入一条语句</translation>
    </message>
    <message>
      <source>Run cancelled: the canvas shows the last version that ran</source>
      <translation>运行已取消：画布显示上一次运行成功的版本</translation>
    </message>
    <message>
      <source>Append {statement}</source>
      <translation>追加 {statement}</translation>
    </message>
    <message>
      <source>added, but the script stops earlier, at line {line} ({error}): fix or remove that line to run the new one</source>
      <translation>已添加，但脚本在第 {line} 行（{error}）提前停止：修改或删除那一行才能运行新语句</translation>
    </message>
    <message>
      <source>syntax error, {problem}</source>
      <translation>语法错误，{problem}</translation>
    </message>
    <message>
      <source>Stopped at line {line}: {message}</source>
      <translation>在第 {line} 行停止：{message}</translation>
    </message>
    <message>
      <source>Open script or session</source>
      <translation>打开脚本或会话</translation>
    </message>
    <message>
      <source>Scripts and sessions (*.py *.stridescope);;All (*)</source>
      <translation>脚本和会话 (*.py *.stridescope);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Save script</source>
      <translation>保存脚本</translation>
    </message>
    <message>
      <source>Save session</source>
      <translation>保存会话</translation>
    </message>
    <message>
      <source>Stridescope session (*.stridescope)</source>
      <translation>Stridescope 会话 (*.stridescope)</translation>
    </message>
    <message>
      <source>Cannot open</source>
      <translation>无法打开</translation>
    </message>
    <message>
      <source>Cannot open session</source>
      <translation>无法打开会话</translation>
    </message>
    <message>
      <source>Cannot save</source>
      <translation>无法保存</translation>
    </message>
    <message>
      <source>Saved {path}</source>
      <translation>已保存 {path}</translation>
    </message>
    <message>
      <source>Cannot open {path}:
{reason}</source>
      <translation>无法打开 {path}：
{reason}</translation>
    </message>
    <message>
      <source>Export canvas</source>
      <translation>导出画布</translation>
    </message>
    <message>
      <source>Export animation</source>
      <translation>导出动画</translation>
    </message>
    <message>
      <source>Rendering frames…</source>
      <translation>正在渲染帧…</translation>
    </message>
    <message>
      <source>Canvas copied to the clipboard</source>
      <translation>画布已复制到剪贴板</translation>
    </message>
    <message>
      <source>Export failed</source>
      <translation>导出失败</translation>
    </message>
    <message>
      <source>Exported {path}</source>
      <translation>已导出 {path}</translation>
    </message>
    <message>
      <source>Memory walk</source>
      <translation>内存遍历</translation>
    </message>
    <message>
      <source>Internal error (the app keeps running): {error}</source>
      <translation>内部错误（程序仍在运行）：{error}</translation>
    </message>
    <message>
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <source>History</source>
      <translation>历史</translation>
    </message>
    <message>
      <source>Inspector</source>
      <translation>检查器</translation>
    </message>
    <message>
      <source>Tensors</source>
      <translation>张量</translation>
    </message>
    <message>
      <source>Console</source>
      <translation>控制台</translation>
    </message>
    <message>
      <source>SyntaxError: {message} (line {line}) — the canvas shows the last version that ran</source>
      <translation>语法错误：{message}（第 {line} 行）——画布显示的是上一次成功运行的版本</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;Open script…</source>
      <translation>打开脚本(&amp;O)…</translation>
    </message>
    <message>
      <source>&amp;Save script as…</source>
      <translation>脚本另存为(&amp;S)…</translation>
    </message>
    <message>
      <source>Save session as…</source>
      <translation>会话另存为…</translation>
    </message>
    <message>
      <source>&amp;Export canvas (PNG, SVG, PDF)…</source>
      <translation>导出画布（PNG、SVG、PDF）(&amp;E)…</translation>
    </message>
    <message>
      <source>Export &amp;animation of this step (GIF, MP4)…</source>
      <translation>导出本步动画（GIF、MP4）(&amp;A)…</translation>
    </message>
    <message>
      <source>&amp;Copy image</source>
      <translation>复制图像(&amp;C)</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>编辑(&amp;E)</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>撤销(&amp;U)</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>重做(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Step</source>
      <translation>单步(&amp;S)</translation>
    </message>
    <message>
      <source>&amp;Run script</source>
      <translation>运行脚本(&amp;R)</translation>
    </message>
    <message>
      <source>Step &amp;forward</source>
      <translation>前进一步(&amp;F)</translation>
    </message>
    <message>
      <source>Step &amp;back</source>
      <translation>后退一步(&amp;B)</translation>
    </message>
    <message>
      <source>Step &amp;over (next statement)</source>
      <translation>单步跳过（下一条语句）(&amp;V)</translation>
    </message>
    <message>
      <source>Step back o&amp;ver (previous statement)</source>
      <translation>跳回上一条语句(&amp;E)</translation>
    </message>
    <message>
      <source>F&amp;irst step</source>
      <translation>第一步(&amp;I)</translation>
    </message>
    <message>
      <source>&amp;Last step</source>
      <translation>最后一步(&amp;L)</translation>
    </message>
    <message>
      <source>Predict before each step</source>
      <translation>每一步之前先预测</translation>
    </message>
    <message>
      <source>&amp;Replay this step</source>
      <translation>重放本步(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Play / pause</source>
      <translation>播放 / 暂停(&amp;P)</translation>
    </message>
    <message>
      <source>Animation &amp;speed</source>
      <translation>动画速度(&amp;S)</translation>
    </message>
    <message>
      <source>Reduced &amp;motion (no animation)</source>
      <translation>减少动态效果（不播放动画）(&amp;M)</translation>
    </message>
    <message>
      <source>Run to &amp;cursor</source>
      <translation>运行到光标处(&amp;C)</translation>
    </message>
    <message>
      <source>&amp;Lessons</source>
      <translation>课程(&amp;L)</translation>
    </message>
    <message>
      <source>&amp;Tensor</source>
      <translation>张量(&amp;T)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>显示(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Presentation mode</source>
      <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
      <source>&amp;Theme</source>
      <translation>主题(&amp;T)</translation>
    </message>
    <message>
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <source>Zoom &amp;in</source>
      <translation>放大(&amp;I)</translation>
    </message>
    <message>
      <source>Zoom &amp;out</source>
      <translation>缩小(&amp;O)</translation>
    </message>
    <message>
      <source>&amp;Actual size</source>
      <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
      <source>&amp;Fit width</source>
      <translation>适应宽度(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;Large labels</source>
      <translation>大号标签(&amp;L)</translation>
    </message>
    <message>
      <source>&amp;Value colours</source>
      <translation>数值着色(&amp;C)</translation>
    </message>
    <message>
      <source>Next 2-D slices</source>
      <translation>下一组二维切片</translation>
    </message>
    <message>
      <source>Previous 2-D slices</source>
      <translation>上一组二维切片</translation>
    </message>
    <message>
      <source>Open &amp;recent</source>
      <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
      <source>light</source>
      <translation>浅色</translation>
    </message>
    <message>
      <source>dark</source>
      <translation>深色</translation>
    </message>
    <message>
      <source>high contrast</source>
      <translation>高对比度</translation>
    </message>
    <message>
      <source>New order of the dims:</source>
      <translation>新的维度顺序：</translation>
    </message>
    <message>
      <source>Index (e.g. 1:3, ::2):</source>
      <translation>下标或切片（例如 1:3, ::2）：</translation>
    </message>
    <message>
      <source>New shape:</source>
      <translation>新形状：</translation>
    </message>
    <message>
      <source>Expand to shape (-1 keeps a dim):</source>
      <translation>扩展到形状（-1 表示保持该维）：</translation>
    </message>
    <message>
      <source>Transpose (swap the last two dims)</source>
      <translation>转置（交换最后两维）</translation>
    </message>
    <message>
      <source>Permute…</source>
      <translation>重排维度 permute…</translation>
    </message>
    <message>
      <source>Slice…</source>
      <translation>切片…</translation>
    </message>
    <message>
      <source>View…</source>
      <translation>view…</translation>
    </message>
    <message>
      <source>Reshape…</source>
      <translation>reshape…</translation>
    </message>
    <message>
      <source>Contiguous</source>
      <translation>contiguous（连续化）</translation>
    </message>
    <message>
      <source>Unsqueeze (new dim 0)</source>
      <translation>unsqueeze（新增第 0 维）</translation>
    </message>
    <message>
      <source>Expand…</source>
      <translation>expand…</translation>
    </message>
    <message>
      <source>Flatten</source>
      <translation>flatten（展平）</translation>
    </message>
    <message>
      <source>▶ Run</source>
      <translation>▶ 运行</translation>
    </message>
    <message>
      <source>Run the edited script (Ctrl+Return)</source>
      <translation>运行编辑后的脚本 (Ctrl+Return)</translation>
    </message>
    <message>
      <source>◀ Step</source>
      <translation>◀ 后退</translation>
    </message>
    <message>
      <source>Step ▶</source>
      <translation>前进 ▶</translation>
    </message>
    <message>
      <source>Run to cursor</source>
      <translation>运行到光标处</translation>
    </message>
    <message>
      <source>append a statement, e.g. y = x.t()   (Enter)</source>
      <translation>追加一条语句，例如 y = x.t()   （回车）</translation>
    </message>
    <message>
      <source>(nothing printed yet)</source>
      <translation>（尚无输出）</translation>
    </message>
    <message>
      <source>name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>shape</source>
      <translation>形状</translation>
    </message>
    <message>
      <source>dtype</source>
      <translation>数据类型</translation>
    </message>
    <message>
      <source>itemsize</source>
      <translation>元素字节数</translation>
    </message>
    <message>
      <source>stride (elements)</source>
      <translation>步长（元素）</translation>
    </message>
    <message>
      <source>stride (bytes)</source>
      <translation>步长（字节）</translation>
    </message>
    <message>
      <source>storage offset</source>
      <translation>存储偏移</translation>
    </message>
    <message>
      <source>numel</source>
      <translation>元素个数</translation>
    </message>
    <message>
      <source>data_ptr</source>
      <translation>数据指针</translation>
    </message>
    <message>
      <source>storage</source>
      <translation>存储</translation>
    </message>
    <message>
      <source>storage data_ptr</source>
      <translation>存储数据指针</translation>
    </message>
    <message>
      <source>storage nbytes</source>
      <translation>存储字节数</translation>
    </message>
    <message>
      <source>contiguous</source>
      <translation>连续</translation>
    </message>
    <message>
      <source>channels_last</source>
      <translation>channels_last</translation>
    </message>
    <message>
      <source>device</source>
      <translation>设备</translation>
    </message>
    <message>
      <source>made by</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>shares storage with</source>
      <translation>共享存储的张量</translation>
    </message>
    <message>
      <source>Why:</source>
      <translation>原因：</translation>
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
      <source>nobody</source>
      <translation>无</translation>
    </message>
    <message>
      <source>tensor</source>
      <translation>张量</translation>
    </message>
    <message>
      <source>{n} elements = {b} B</source>
      <translation>{n} 个元素 = {b} 字节</translation>
    </message>
    <message>
      <source> (layout only, no values)</source>
      <translation>（仅布局，没有数值）</translation>
    </message>
    <message>
      <source>computed from {name} (new storage)</source>
      <translation>由 {name} 计算得到（新存储）</translation>
    </message>
    <message>
      <source>view of {name} (no copy)</source>
      <translation>{name} 的视图（未复制）</translation>
    </message>
    <message>
      <source>copy of {name} (new storage)</source>
      <translation>{name} 的副本（新存储）</translation>
    </message>
    <message>
      <source>same object as {name}</source>
      <translation>与 {name} 是同一个对象</translation>
    </message>
    <message>
      <source>new tensor (new storage)</source>
      <translation>新张量（新存储）</translation>
    </message>
    <message>
      <source>storage S{id} · {nbytes} B</source>
      <translation>存储 S{id} · {nbytes} 字节</translation>
    </message>
    <message>
      <source>line {n}</source>
      <translation>第 {n} 行</translation>
    </message>
    <message>
      <source>line {n}, call {k} of {total}: {call}</source>
      <translation>第 {n} 行，第 {k} 个调用（共 {total} 个）：{call}</translation>
    </message>
    <message>
      <source>Measure on this machine</source>
      <translation>在本机上测量</translation>
    </message>
    <message>
      <source>Measuring…</source>
      <translation>测量中…</translation>
    </message>
    <message>
      <source>view</source>
      <translation>视图</translation>
    </message>
    <message>
      <source>copy</source>
      <translation>副本</translation>
    </message>
    <message>
      <source>new</source>
      <translation>新张量</translation>
    </message>
    <message>
      <source>view, copy or new?</source>
      <translation>视图、副本还是新张量？</translation>
    </message>
    <message>
      <source>will it raise an error?</source>
      <translation>会报错吗？</translation>
    </message>
    <message>
      <source>value</source>
      <translation>值</translation>
    </message>
    <message>
      <source>equal?</source>
      <translation>相等吗？</translation>
    </message>
    <message>
      <source>output</source>
      <translation>输出</translation>
    </message>
    <message>
      <source>Before it runs: what will {name} be after&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;?</source>
      <translation>运行之前：执行&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;之后，{name} 会是什么样？</translation>
    </message>
    <message>
      <source>Predict, then reveal</source>
      <translation>先预测，再揭晓</translation>
    </message>
    <message>
      <source>Reveal</source>
      <translation>揭晓</translation>
    </message>
    <message>
      <source>Your prediction: {score}/{total} — {details}</source>
      <translation>你的预测：{score}/{total} —— {details}</translation>
    </message>
    <message>
      <source>Before it runs: will&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;raise an error?</source>
      <translation>运行之前：&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;会报错吗？</translation>
    </message>
    <message>
      <source>Before it runs: what will {subject} hold after&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;?</source>
      <translation>运行之前：执行&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;之后，{subject} 的值是多少？</translation>
    </message>
    <message>
      <source>Before it runs: after&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;are {subject} equal?</source>
      <translation>运行之前：执行&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;之后，{subject} 相等吗？</translation>
    </message>
    <message>
      <source>Before it runs: what will&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;print?</source>
      <translation>运行之前：&lt;br&gt;&lt;code&gt;{source}&lt;/code&gt;&lt;br&gt;会打印什么？</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Stop the script (Esc)</source>
      <translation>停止脚本（Esc）</translation>
    </message>
    <message>
      <source>Running…</source>
      <translation>正在运行…</translation>
    </message>
    <message>
      <source>Starting the worker (PyTorch is loading)…</source>
      <translation>正在启动工作进程（正在加载 PyTorch）…</translation>
    </message>
    <message>
      <source>Running line {line} ({done} statements done)…</source>
      <translation>正在运行第 {line} 行（已完成 {done} 条语句）…</translation>
    </message>
    <message>
      <source>Not timed: the script is still running.</source>
      <translation>不计时：脚本仍在运行。</translation>
    </message>
    <message>
      <source>Not timed: cancelled.</source>
      <translation>不计时：已取消。</translation>
    </message>
    <message>
      <source>iteration of the row-major loop</source>
      <translation>行优先循环的迭代次序</translation>
    </message>
    <message>
      <source>byte address in storage</source>
      <translation>存储中的字节地址</translation>
    </message>
    <message>
      <source>Memory walk: no tensor to walk</source>
      <translation>内存遍历：没有可遍历的张量</translation>
    </message>
    <message>
      <source>Memory walk of {name}: shape {shape} · stride {stride} · offset {offset} · {itemsize} B per element</source>
      <translation>{name} 的内存遍历：形状 {shape} · 步长 {stride} · 偏移 {offset} · 每个元素 {itemsize} B</translation>
    </message>
    <message>
      <source>{name}[{index}]: iteration {n:,}, byte {address:,}, cache line {line:,}</source>
      <translation>{name}[{index}]：第 {n:,} 次迭代，字节 {address:,}，缓存行 {line:,}</translation>
    </message>
    <message>
      <source>The plot shows the first {shown:,} iterations; the figures count all {walked:,}.</source>
      <translation>图中画出前 {shown:,} 次迭代；数字统计全部 {walked:,} 次。</translation>
    </message>
    <message>
      <source>view({requested}) needs each new dimension to step through storage with one constant stride.</source>
      <translation>view({requested}) 要求每个新维度都能用一个固定的步长遍历存储。</translation>
    </message>
    <message>
      <source>reshape() copies the data into a new contiguous storage instead (the same as .contiguous().view(...)); the copy no longer shares memory with the original.</source>
      <translation>reshape() 会改为把数据复制到一块新的连续存储中（等同于 .contiguous().view(...)）；副本不再与原张量共享内存。</translation>
    </message>
    <message>
      <source>view({requested}) asks for {asked} elements but the tensor has {numel}: the sizes must multiply to the same number of elements.</source>
      <translation>view({requested}) 需要 {asked} 个元素，但张量有 {numel} 个：各维大小的乘积必须等于元素总数。</translation>
    </message>
    <message>
      <source>view({requested}) works: the new strides {strides} read the same storage.</source>
      <translation>view({requested}) 可以成功：新的步长 {strides} 读取同一块存储。</translation>
    </message>
    <message>
      <source>New dim {new_dim} (size {new_size}) would have to merge old dims {a} and {b} (sizes {size_a}, {size_b}; strides {stride_a}, {stride_b}). Two dims merge only when stride[{a}] == stride[{b}] × size[{b}], but {stride_a} ≠ {stride_b} × {size_b} = {required}: after the last element of dim {b} the next element is not where one more step would land.</source>
      <translation>新的第 {new_dim} 维（大小 {new_size}）需要合并原来的第 {a} 维和第 {b} 维（大小 {size_a}、{size_b}；步长 {stride_a}、{stride_b}）。只有当 stride[{a}] == stride[{b}] × size[{b}] 时两维才能合并，但 {stride_a} ≠ {stride_b} × {size_b} = {required}：走完第 {b} 维的最后一个元素后，下一个元素并不在再走一步的位置上。</translation>
    </message>
    <message>
      <source>No tensor yet: the picture starts with the first tensor the script makes.</source>
      <translation>还没有张量：画面从脚本创建的第一个张量开始。</translation>
    </message>
    <message>
      <source>+{n} more storages: {names}</source>
      <translation>另有 {n} 块存储：{names}</translation>
    </message>
    <message>
      <source>rows</source>
      <translation>行</translation>
    </message>
    <message>
      <source>columns</source>
      <translation>列</translation>
    </message>
    <message>
      <source>meta tensor: layout only, no values ("?")</source>
      <translation>meta 张量：只有布局，没有数值（“?”）</translation>
    </message>
    <message>
      <source>0-D tensor (a scalar): one cell, no dimensions</source>
      <translation>0 维张量（标量）：一个单元，没有维度</translation>
    </message>
    <message>
      <source>dim {dim}: size {size}, stride {stride}</source>
      <translation>第 {dim} 维：大小 {size}，步长 {stride}</translation>
    </message>
    <message>
      <source>panels {first}–{last} of {total} (PgDn / PgUp)</source>
      <translation>第 {first}–{last} 个切片，共 {total} 个（PgDn / PgUp）</translation>
    </message>
    <message>
      <source>{what} {a}–{b} … {c}–{d} of {n:,} shown</source>
      <translation>显示第 {a}–{b} … {c}–{d} {what}，共 {n:,} {what}</translation>
    </message>
    <message>
      <source>{what} {a}–{b} of {n:,} shown</source>
      <translation>显示第 {a}–{b} {what}，共 {n:,} {what}</translation>
    </message>
    <message>
      <source>row {a} of {n:,} shown</source>
      <translation>只显示第 {a} 行，共 {n:,} 行</translation>
    </message>
    <message>
      <source>column {a} of {n:,} shown</source>
      <translation>只显示第 {a} 列，共 {n:,} 列</translation>
    </message>
    <message>
      <source>same</source>
      <translation>同一个张量</translation>
    </message>
    <message>
      <source>not contiguous</source>
      <translation>不连续</translation>
    </message>
    <message>
      <source>view of {source} — shares storage {storage}, no data copied</source>
      <translation>{source} 的视图——共享存储 {storage}，没有复制数据</translation>
    </message>
    <message>
      <source>Step {n} of {total} · line {line}</source>
      <translation>第 {n} 步，共 {total} 步 · 第 {line} 行</translation>
    </message>
    <message>
      <source>shape {shape}  ·  stride {stride}  ·  offset {offset}</source>
      <translation>形状 {shape}  ·  步长 {stride}  ·  偏移 {offset}</translation>
    </message>
    <message>
      <source>meta (layout only)</source>
      <translation>meta（仅布局）</translation>
    </message>
    <message>
      <source>its own storage {storage}, made from {source} at an earlier step</source>
      <translation>自己的存储 {storage}，在之前的步骤中由 {source} 得到</translation>
    </message>
    <message>
      <source>N{id} · NumPy memory: {names} · {nbytes} bytes</source>
      <translation>N{id} · NumPy 内存：{names} · {nbytes} 字节</translation>
    </message>
    <message>
      <source>Storage {label}: {names} · {nbytes} bytes</source>
      <translation>存储 {label}：{names} · {nbytes} 字节</translation>
    </message>
    <message>
      <source>(the whole explanation is in the console: Esc leaves presentation)</source>
      <translation>（完整解释见控制台：按 Esc 退出演示）</translation>
    </message>
    <message>
      <source>leaf, requires grad</source>
      <translation>叶子，requires grad</translation>
    </message>
    <message>
      <source>{name} (name deleted)</source>
      <translation>{name}（名字已删除）</translation>
    </message>
    <message>
      <source>computed from {source} — new storage {storage}</source>
      <translation>由 {source} 计算得到——新存储 {storage}</translation>
    </message>
    <message>
      <source>call {k} of {n}</source>
      <translation>第 {k} 个调用，共 {n} 个</translation>
    </message>
    <message>
      <source>version {n}</source>
      <translation>版本 {n}</translation>
    </message>
    <message>
      <source>copy of {source} — new storage {storage}</source>
      <translation>{source} 的副本——新存储 {storage}</translation>
    </message>
    <message>
      <source>shares it with {names}</source>
      <translation>与 {names} 共享</translation>
    </message>
    <message>
      <source>(+{n} more lines of this statement in the editor)</source>
      <translation>（这条语句还有 {n} 行，见编辑器）</translation>
    </message>
    <message>
      <source>(+{n} more warnings in the console)</source>
      <translation>（还有 {n} 条警告，见控制台）</translation>
    </message>
    <message>
      <source>another name for {source} (same tensor object)</source>
      <translation>{source} 的另一个名字（同一个张量对象）</translation>
    </message>
    <message>
      <source>lives on storage {storage}</source>
      <translation>位于存储 {storage}</translation>
    </message>
    <message>
      <source>also on it: {names}</source>
      <translation>同一存储上还有：{names}</translation>
    </message>
    <message>
      <source>(+{n} more lines of output in the console)</source>
      <translation>（还有 {n} 行输出，见控制台）</translation>
    </message>
    <message>
      <source>{name}: global shape {shape} · placements {placements} · mesh {mesh}</source>
      <translation>{name}：全局形状 {shape} · 放置方式 {placements} · 网格 {mesh}</translation>
    </message>
    <message>
      <source>rank {rank} local: {shape} · stride {stride} · offset {offset}</source>
      <translation>rank {rank} 本地：{shape} · 步长 {stride} · 偏移 {offset}</translation>
    </message>
    <message>
      <source>mesh {mesh}: one process per rank</source>
      <translation>网格 {mesh}：每个 rank 一个进程</translation>
    </message>
    <message>
      <source>showing {r}×{c} of {rows}×{cols} cells</source>
      <translation>显示 {rows}×{cols} 个单元中的 {r}×{c} 个</translation>
    </message>
    <message>
      <source>rank {rank} ({coordinate})</source>
      <translation>rank {rank}（{coordinate}）</translation>
    </message>
    <message>
      <source>↪ continued</source>
      <translation>↪ 接上行</translation>
    </message>
    <message>
      <source>Storage {label}</source>
      <translation>存储 {label}</translation>
    </message>
    <message>
      <source>{nbytes} bytes · drawn as {cells} cells of {itemsize} B ({dtype})</source>
      <translation>{nbytes} 字节 · 按 {dtype} 画成 {cells} 个 {itemsize} 字节的单元</translation>
    </message>
    <message>
      <source>written this step</source>
      <translation>本步被写入</translation>
    </message>
    <message>
      <source>values not recorded (size limit)</source>
      <translation>未记录数值（超出大小限制）</translation>
    </message>
    <message>
      <source>reads</source>
      <translation>读取</translation>
    </message>
    <message>
      <source>{name}: NumPy strides {bytes} bytes = stride {elements} × {size} B</source>
      <translation>{name}：NumPy 字节步长 {bytes} = 步长 {elements} × {size} 字节</translation>
    </message>
    <message>
      <source>… {n} more cells ({first}–{last}) …</source>
      <translation>… 另有 {n} 个单元（下标 {first}–{last}）…</translation>
    </message>
    <message>
      <source>{name} reads</source>
      <translation>{name} 读取</translation>
    </message>
    <message>
      <source>+{step} (dim {dim})</source>
      <translation>+{step}（第 {dim} 维）</translation>
    </message>
    <message>
      <source>+{step} (dims {dims})</source>
      <translation>+{step}（第 {dims} 维）</translation>
    </message>
    <message>
      <source>+{n} more tensors without a lane: {names}</source>
      <translation>另有 {n} 个张量未画出轨道：{names}</translation>
    </message>
    <message>
      <source>{name} is a view of a leaf tensor that requires grad (one you made, not the result of an operation: autograd treats it as a parameter). Writing into {name} in place ({op}) would change that leaf's values behind autograd's back, so torch refuses.</source>
      <translation>{name} 是一个 requires_grad 的叶子张量的视图（叶子张量是你自己创建的，不是运算的结果：autograd 把它当作参数）。对 {name} 做原地写入（{op}）会在 autograd 不知情的情况下改变那个叶子张量的值，所以 torch 拒绝执行。</translation>
    </message>
    <message>
      <source>{name} is a leaf tensor that requires grad (a parameter, for autograd): writing into it in place ({op}) would change the values its gradient is computed from, so torch refuses.</source>
      <translation>{name} 是一个 requires_grad 的叶子张量（对 autograd 来说是参数）：对它做原地写入（{op}）会改变计算其梯度所依据的值，所以 torch 拒绝执行。</translation>
    </message>
    <message>
      <source>To compute gradients, autograd saved {name} (the output of {grad_fn}) when it was at version {expected}. Since then {writes} in-place write(s) moved it to version {version} (every in-place op on a tensor's storage adds one, through any view), so the values backward() needs are gone.</source>
      <translation>为了计算梯度，autograd 在 {name}（{grad_fn} 的输出）处于版本 {expected} 时保存了它。此后 {writes} 次原地写入把它变成了版本 {version}（对张量存储的每次原地运算都会加一，无论通过哪个视图），所以 backward() 需要的值已经不在了。</translation>
    </message>
    <message>
      <source>Write into a copy ({name}.clone(), which autograd tracks), use the out-of-place form ({name} + 1 instead of {name}.add_(1)), or change the parameter on purpose with autograd off (with torch.no_grad(): in your own code, as optimizers do; .detach() shares the storage too).</source>
      <translation>写入一个副本（{name}.clone()，autograd 会跟踪它），改用非原地的写法（用 {name} + 1 代替 {name}.add_(1)），或者在关闭 autograd 时有意修改参数（在你自己的代码里用 with torch.no_grad():，优化器就是这样做的；.detach() 也与原张量共享存储）。</translation>
    </message>
    <message>
      <source>Write out of place ({name} = {name} * 3 instead of {name}.mul_(3)), or clone {name} before writing into the clone; in-place ops save memory only where autograd does not need the old values.</source>
      <translation>改用非原地的写法（用 {name} = {name} * 3 代替 {name}.mul_(3)），或者先 clone {name} 再写入副本；只有在 autograd 不需要旧值的地方，原地运算才能节省内存。</translation>
    </message>
    <message>
      <source>Write out of place (x = x * 3 instead of x.mul_(3)) or into a clone; in-place ops save memory only where autograd does not need the old values.</source>
      <translation>改用非原地的写法（用 x = x * 3 代替 x.mul_(3)）或写入副本；只有在 autograd 不需要旧值的地方，原地运算才能节省内存。</translation>
    </message>
    <message>
      <source>the tensor</source>
      <translation>该张量</translation>
    </message>
    <message>
      <source>The tensor</source>
      <translation>该张量</translation>
    </message>
    <message>
      <source>{Name} has stride 0 in dim {dim} (stride {stride}): walking along that dim never moves in storage — that is what expand() makes. So the {count} positions {positions} all read storage cell {cell}.</source>
      <translation>{Name} 的第 {dim} 维步长为 0（步长 {stride}）：沿这一维前进，在存储中一步也不移动——这正是 expand() 造出来的。所以 {count} 个位置 {positions} 读的都是存储单元 {cell}。</translation>
    </message>
    <message>
      <source>{op}({requested}) has {count} sizes of -1, but only one size may be -1 ("whatever makes the product {numel}"): with two, the split would not be unique.</source>
      <translation>{op}({requested}) 有 {count} 个 -1，但只能有一个维的大小为 -1（“使乘积等于 {numel} 的那个数”）：有两个时，拆分方式不唯一。</translation>
    </message>
    <message>
      <source>{Name} has stride 0 in dims {dims} (stride {stride}): walking along them never moves in storage — that is what expand() makes. So the {count} positions {positions} all read storage cell {cell}.</source>
      <translation>{Name} 的第 {dims} 维步长为 0（步长 {stride}）：沿这些维前进，在存储中一步也不移动——这正是 expand() 造出来的。所以 {count} 个位置 {positions} 读的都是存储单元 {cell}。</translation>
    </message>
    <message>
      <source>In {name} (stride {stride}) the {count} positions {positions} all read storage cell {cell}.</source>
      <translation>在 {name}（步长 {stride}）中，{count} 个位置 {positions} 读的都是存储单元 {cell}。</translation>
    </message>
    <message>
      <source>An in-place write ({op}) would write that one cell {count} times, each time from a value another position may already have changed: the result would depend on the order. So PyTorch refuses in-place writes to a tensor whose {numel} positions share {distinct} cells.</source>
      <translation>原地写入（{op}）会把这一个单元写 {count} 次，每次读到的值都可能已被另一个位置改过：结果取决于写入顺序。所以 PyTorch 拒绝对这样的张量原地写入：它的 {numel} 个位置只共用 {distinct} 个单元。</translation>
    </message>
    <message>
      <source>{Name}.clone() (or .contiguous()) gives every position its own cell — {numel} cells, {nbytes} bytes — and then the write is well defined. To make the copy from the start, use repeat() instead of expand().</source>
      <translation>{Name}.clone()（或 .contiguous()）让每个位置都有自己的单元——{numel} 个单元，{nbytes} 字节——这样写入就是确定的。想一开始就复制，用 repeat() 代替 expand()。</translation>
    </message>
    <message>
      <source>The write ({op}) goes to {written} storage cells of {target} while reading {read} cells of {source} on the same storage: {count} cells ({cells}) are both read and written.</source>
      <translation>这次写入（{op}）写到 {target} 的 {written} 个存储单元，同时读取同一存储上 {source} 的 {read} 个单元：有 {count} 个单元（{cells}）既被读又被写。</translation>
    </message>
    <message>
      <source>A cell could be read after another position has already overwritten it, so the result would depend on the order: PyTorch refuses.</source>
      <translation>一个单元可能在被另一个位置覆盖之后才被读取，结果会取决于顺序：所以 PyTorch 拒绝了。</translation>
    </message>
    <message>
      <source>At dim {dim} the sizes are {size_a} and {size_b}. Two sizes fit only when they are equal or one of them is 1: a size-1 side is stretched with stride 0, like expand(); {size_a} and {size_b} cannot be matched.</source>
      <translation>在第 {dim} 维，大小分别是 {size_a} 和 {size_b}。两个大小只有相等或其中一个为 1 时才能匹配：大小为 1 的一方会以步长 0 被拉伸，就像 expand()；{size_a} 和 {size_b} 无法匹配。</translation>
    </message>
    <message>
      <source>Make the sizes equal there, or make one of them 1 (unsqueeze() or view() add a size-1 dim), so that side is stretched.</source>
      <translation>让那一维的大小相等，或把其中一个变成 1（unsqueeze() 或 view() 可以添加大小为 1 的维），让那一方被拉伸。</translation>
    </message>
    <message>
      <source>as_strided(size {size}, stride {stride}, offset {offset}) reads, for each position, storage cell offset + Σ index × stride. Its last element {position} is at cell {offset} + {terms} = {last}, so the layout needs {elements} elements × {itemsize} bytes = {needed} bytes.</source>
      <translation>as_strided(形状 {size}，步长 {stride}，偏移 {offset}) 对每个位置读取的存储单元是 偏移 + Σ 下标 × 步长。它的最后一个元素 {position} 位于单元 {offset} + {terms} = {last}，所以这个布局需要 {elements} 个元素 × {itemsize} 字节 = {needed} 字节。</translation>
    </message>
    <message>
      <source>as_strided never allocates or copies: it re-reads the storage it is given, so every cell it reaches must exist. Make the size, stride or offset smaller until the last cell is at most {max_index}.</source>
      <translation>as_strided 从不分配内存也不复制：它只是重新解读给定的存储，所以它读到的每个单元都必须存在。缩小形状、步长或偏移，直到最后一个单元不超过 {max_index}。</translation>
    </message>
    <message>
      <source>The slice asks dim {dim} of {name} (size {size}, stride {stride}) to be walked backwards with step {step}, visiting cells {cells}. As a view that would need stride {step} × {stride} = {would}: a negative stride.</source>
      <translation>这个切片要求以间隔 {step} 反向走 {name} 的第 {dim} 维（大小 {size}，步长 {stride}），依次访问单元 {cells}。作为视图，这需要步长 {step} × {stride} = {would}：一个负步长。</translation>
    </message>
    <message>
      <source>PyTorch strides are never negative (NumPy's can be), so a PyTorch slice cannot step backwards: the step must be greater than 0.</source>
      <translation>PyTorch 的步长从不为负（NumPy 的可以），所以 PyTorch 的切片不能反向前进：间隔必须大于 0。</translation>
    </message>
    <message>
      <source>{Name}.flip({dim}) gives the elements in reverse order — as a copy into a new storage ({nbytes} bytes), not a view.</source>
      <translation>{Name}.flip({dim}) 按相反顺序给出这些元素——是复制到新存储（{nbytes} 字节）的副本，而不是视图。</translation>
    </message>
    <message>
      <source>as_strided(size {size}, stride {stride}): the stride {value} of dim {dim} is negative. PyTorch strides are never negative (NumPy's can be): a PyTorch layout only walks its storage forwards.</source>
      <translation>as_strided(形状 {size}，步长 {stride})：第 {dim} 维的步长 {value} 是负数。PyTorch 的步长从不为负（NumPy 的可以）：PyTorch 的布局只会在存储中向前前进。</translation>
    </message>
    <message>
      <source>The same cells, read forwards from offset {start}, then reversed: as_strided({size}, {positive}, {start}).flip({flips}) — flip copies.</source>
      <translation>同样的单元，从偏移 {start} 开始向前读取，再反转：as_strided({size}, {positive}, {start}).flip({flips})——flip 会复制。</translation>
    </message>
    <message>
      <source>expand({target}) gives {count} sizes, but {name} has {ndim} dims (shape {shape}): expand can add dims on the left, never remove them.</source>
      <translation>expand({target}) 给了 {count} 个大小，但 {name} 有 {ndim} 维（形状 {shape}）：expand 可以在左边添加维度，但不能去掉维度。</translation>
    </message>
    <message>
      <source>expand({target}) lines the dims up from the right: target dim {dim} (size {target_size}) meets dim {source_dim} of {name} (shape {shape}), whose size is {size}.</source>
      <translation>expand({target}) 从右往左对齐各维：目标的第 {dim} 维（大小 {target_size}）对上 {name}（形状 {shape}）的第 {source_dim} 维，它的大小是 {size}。</translation>
    </message>
    <message>
      <source>expand only stretches a dim of size 1 (or adds new dims on the left): it gives that dim stride 0, so every position along it reads the same cell. A dim of size {size} already holds {size} different elements, and expand never copies, so it cannot become {target_size}.</source>
      <translation>expand 只能拉伸大小为 1 的维（或在左边添加新维）：它把那一维的步长设为 0，于是沿这一维的每个位置都读同一个单元。大小为 {size} 的维已经有 {size} 个不同的元素，而 expand 从不复制，所以它不能变成 {target_size}。</translation>
    </message>
    <message>
      <source>-1 means "whatever makes the product {numel}", but the other sizes multiply to {zero}, and 0 × anything is 0, never {numel}.</source>
      <translation>-1 表示“使乘积等于 {numel} 的那个数”，但其他维的大小相乘为 {zero}，而 0 乘任何数都是 0，永远不会是 {numel}。</translation>
    </message>
    <message>
      <source>{Name} has no dims: a 0-dim tensor has no last dim to regroup. Reshape it to 1 dim first.</source>
      <translation>{Name} 没有维度：0 维张量没有可以重新分组的最后一维。先把它 reshape 成 1 维。</translation>
    </message>
    <message>
      <source>The last dim of {name} has {value} elements = {bytes} bytes, which do not split into whole {new_size}-byte elements ({value} is not divisible by {ratio}). A last dim of {upper} elements would (any multiple of {ratio}).</source>
      <translation>{name} 的最后一维有 {value} 个元素 = {bytes} 字节，不能分成完整的 {new_size} 字节元素（{value} 不能被 {ratio} 整除）。最后一维有 {upper} 个元素就可以（{ratio} 的任意倍数都行）。</translation>
    </message>
    <message>
      <source>{Name} starts at storage offset {value} (byte {bytes}), and a {new_size}-byte element must start at a multiple of {new_size} bytes ({value} is not divisible by {ratio}). A contiguous copy (clone()) starts at offset 0.</source>
      <translation>{Name} 从存储偏移 {value}（第 {bytes} 字节）开始，而 {new_size} 字节的元素必须从 {new_size} 字节的整数倍处开始（{value} 不能被 {ratio} 整除）。连续的副本（clone()）从偏移 0 开始。</translation>
    </message>
    <message>
      <source>The last dim of {name} has stride {value}: its elements are not side by side in memory, so their bytes cannot be regrouped (the last stride must be 1). A contiguous copy has stride 1.</source>
      <translation>{name} 的最后一维步长为 {value}：它的元素在内存中并不相邻，所以它们的字节无法重新分组（最后一维的步长必须是 1）。连续的副本步长为 1。</translation>
    </message>
    <message>
      <source>Dim {dim} of {name} has stride {value}, not a multiple of {ratio}: counted in {new_size}-byte elements it would not be a whole number. A contiguous copy fixes it.</source>
      <translation>{name} 的第 {dim} 维步长为 {value}，不是 {ratio} 的倍数：按 {new_size} 字节的元素计算，它不是整数。连续的副本可以解决。</translation>
    </message>
    <message>
      <source>{op}() accepts a dim from 0 to {high} counting from the left, or from -1 to {low} counting from the right (-1 is the last): {count} places. {got} is not one of them.</source>
      <translation>{op}() 接受的维：从左数 0 到 {high}，或从右数 -1 到 {low}（-1 是最后一维）：共 {count} 个位置。{got} 不在其中。</translation>
    </message>
    <message>
      <source>{name} has strides {strides} in bytes; dim {dim}'s stride {stride} is negative: a [::-1] slice in NumPy reads memory backwards without copying.</source>
      <translation>{name} 的步长（以字节计）是 {strides}；第 {dim} 维的步长 {stride} 是负数：NumPy 中 [::-1] 切片不复制，而是反向读取内存。</translation>
    </message>
    <message>
      <source>torch.from_numpy shares the array's memory and keeps its strides, but PyTorch strides are never negative, so it refuses.</source>
      <translation>torch.from_numpy 共享数组的内存并保留它的步长，但 PyTorch 的步长从不为负，所以它拒绝了。</translation>
    </message>
    <message>
      <source>Copy first — {array}.copy() or np.ascontiguousarray({array}) has strides {positive} bytes — or call from_numpy on the original array and flip({dim}) in PyTorch (flip copies too).</source>
      <translation>先复制——{array}.copy() 或 np.ascontiguousarray({array}) 的步长是 {positive} 字节——或者对原数组调用 from_numpy，再在 PyTorch 中 flip({dim})（flip 也会复制）。</translation>
    </message>
    <message>
      <source>Copy the source first — {source}.clone() — so that reading and writing no longer share memory.</source>
      <translation>先复制源张量——{source}.clone()——这样读和写就不再共享内存。</translation>
    </message>
    <message>
      <source>Copy the source first with .clone(), so that reading and writing no longer share memory.</source>
      <translation>先用 .clone() 复制源张量，这样读和写就不再共享内存。</translation>
    </message>
    <message>
      <source>Broadcasting lines the shapes up from the right, padding the shorter one with 1s on the left: {a} and {b} become {pa} and {pb}.</source>
      <translation>广播从右往左对齐两个形状，较短的一方在左边补 1：{a} 和 {b} 变成 {pa} 和 {pb}。</translation>
    </message>
    <message>
      <source>Broadcasting lines the shapes {a} ({name_a}) and {b} ({name_b}) up dim by dim.</source>
      <translation>广播把形状 {a}（{name_a}）和 {b}（{name_b}）逐维对齐。</translation>
    </message>
    <message>
      <source>To combine every element of {name_a} with every element of {name_b}: {name_a}.unsqueeze(1) {op} {name_b} has shape {outer}.</source>
      <translation>要让 {name_a} 的每个元素和 {name_b} 的每个元素两两组合：{name_a}.unsqueeze(1) {op} {name_b} 的形状是 {outer}。</translation>
    </message>
    <message>
      <source>The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … {max_index}): {count} of the {numel} positions would read past its end, at cell {oob}.</source>
      <translation>{name} 的存储只有 {have} 个元素（{nbytes} 字节，单元 0 … {max_index}）：{numel} 个位置中有 {count} 个会读到存储末尾之外，即单元 {oob}。</translation>
    </message>
    <message>
      <source>Then slice dim {dim} of the copy with step {k}: that is what step {step} means in NumPy.</source>
      <translation>再以间隔 {k} 切片副本的第 {dim} 维：这就是 NumPy 中间隔 {step} 的含义。</translation>
    </message>
    <message>
      <source>Give one size per dim, -1 to keep one: expand({padded}).</source>
      <translation>每一维给一个大小，用 -1 保持原样：expand({padded})。</translation>
    </message>
    <message>
      <source>In expand({target}), target dim {dim} is a new dim on the left that {name} (shape {shape}) does not have. -1 means "keep this dim's size", and a new dim has no size to keep: give it one.</source>
      <translation>在 expand({target}) 中，目标的第 {dim} 维是左边新添的一维，{name}（形状 {shape}）没有这一维。-1 表示“保持这一维的大小”，而新维没有大小可以保持：给它一个大小。</translation>
    </message>
    <message>
      <source>{Name}.repeat({repeats}) copies the data instead and gives shape ({target}).</source>
      <translation>{Name}.repeat({repeats}) 则会复制数据，得到形状 ({target})。</translation>
    </message>
    <message>
      <source>Keep size {size} there (or write -1). repeat() cannot reach that size either: its factors multiply the sizes, so a dim of size {size} can only become a multiple of {size}.</source>
      <translation>在那一维保持大小 {size}（或写 -1）。repeat() 也得不到那个大小：它的参数是各维大小的倍数，所以大小为 {size} 的维只能变成 {size} 的倍数。</translation>
    </message>
    <message>
      <source>-1 means "numel ÷ the other sizes": {name} (shape {shape}) has {numel} elements, and {numel} ÷ {product} = {quotient} is not a whole number, so no size fits in place of -1.</source>
      <translation>-1 表示“元素总数 ÷ 其他维的大小”：{name}（形状 {shape}）有 {numel} 个元素，而 {numel} ÷ {product} = {quotient} 不是整数，所以没有任何大小能填在 -1 的位置。</translation>
    </message>
    <message>
      <source>{op}({requested}) asks for {product} = {known} elements, but {name} (shape {shape}) has {numel}: a view or reshape never adds or drops elements.</source>
      <translation>{op}({requested}) 需要 {product} = {known} 个元素，但 {name}（形状 {shape}）有 {numel} 个：view 或 reshape 从不增加或丢弃元素。</translation>
    </message>
    <message>
      <source>The sizes that divide {numel}: {divisors}.</source>
      <translation>能整除 {numel} 的大小：{divisors}。</translation>
    </message>
    <message>
      <source>view({new}) re-reads the same bytes: {ratio} neighbouring {old_size}-byte {old} elements of the last dim must become one {new_size}-byte {new} element.</source>
      <translation>view({new}) 重新解读同样的字节：最后一维中每 {ratio} 个相邻的 {old_size} 字节 {old} 元素要合成一个 {new_size} 字节的 {new} 元素。</translation>
    </message>
    <message>
      <source>view({new}) re-reads the same bytes: each {old_size}-byte {old} element of the last dim is cut into {ratio} {new_size}-byte {new} elements.</source>
      <translation>view({new}) 重新解读同样的字节：最后一维中每个 {old_size} 字节的 {old} 元素被切成 {ratio} 个 {new_size} 字节的 {new} 元素。</translation>
    </message>
    <message>
      <source>{Name} has {ndim} dims (shape {shape}): dim 0 is also dim -{ndim}, and the last, dim {last}, is also dim -1.</source>
      <translation>{Name} 有 {ndim} 维（形状 {shape}）：第 0 维也是第 -{ndim} 维，最后的第 {last} 维也是第 -1 维。</translation>
    </message>
    <message>
      <source>{op}() treats it as if it had one dim: the only dims it accepts are 0 and -1. {got} is neither.</source>
      <translation>{op}() 把它当作只有一维：只接受第 0 维和第 -1 维。{got} 两者都不是。</translation>
    </message>
    <message>
      <source>{op}() may also name the place after the last dim (it adds a dim), so its range is one wider than the tensor's dims.</source>
      <translation>{op}() 还可以指定最后一维之后的位置（它会添加一维），所以它的范围比张量的维数多一个。</translation>
    </message>
    <message>
      <source>The array</source>
      <translation>该数组</translation>
    </message>
    <message>
      <source>The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … {max_index}): {count} of the {numel} positions would read past its end, at cells {oob}.</source>
      <translation>{name} 的存储只有 {have} 个元素（{nbytes} 字节，单元 0 … {max_index}）：{numel} 个位置中有 {count} 个会读到存储末尾之外，即单元 {oob}。</translation>
    </message>
    <message>
      <source>The storage of {name} has only {have} elements ({nbytes} bytes, cells 0 … {max_index}): the layout would read past its end, up to cell {last}.</source>
      <translation>{name} 的存储只有 {have} 个元素（{nbytes} 字节，单元 0 … {max_index}）：这个布局会读到存储末尾之外，直到单元 {last}。</translation>
    </message>
    <message>
      <source>Give one size per dim; -1 keeps a dim as it is.</source>
      <translation>每一维给一个大小；-1 表示保持该维不变。</translation>
    </message>
    <message>
      <source>{Name} has no dims (a 0-dim tensor, a single value).</source>
      <translation>{Name} 没有维度（0 维张量，只有一个值）。</translation>
    </message>
    <message>
      <source>{count} placements were given for a {ndim}-D mesh ({shape}).</source>
      <translation>给一个 {ndim} 维网格（{shape}）提供了 {count} 个放置方式。</translation>
    </message>
    <message>
      <source>A DTensor needs exactly one placement per mesh dim: the first says what the ranks along mesh dim 0 do with the tensor (Shard(d) splits tensor dim d, Replicate() copies it, Partial() holds a part of a sum), the second the same for mesh dim 1.</source>
      <translation>DTensor 要求网格的每一维恰好有一个放置方式：第一个说明沿网格第 0 维的各个 rank 如何处理张量（Shard(d) 切分张量的第 d 维，Replicate() 复制它，Partial() 持有求和的一部分），第二个对网格第 1 维同理。</translation>
    </message>
    <message>
      <source>Give {ndim} placements, e.g. [Shard(0), Replicate()] on a 2-D mesh.</source>
      <translation>请给出 {ndim} 个放置方式，例如二维网格上的 [Shard(0), Replicate()]。</translation>
    </message>
    <message>
      <source>A device mesh on "{device}" cannot be started here.</source>
      <translation>这里无法在 "{device}" 上启动设备网格。</translation>
    </message>
    <message>
      <source>Stridescope starts every rank as a CPU process joined by the gloo backend over loopback; the layout of each shard is the same as on an accelerator.</source>
      <translation>Stridescope 把每个 rank 启动为一个 CPU 进程，通过本机回环上的 gloo 后端连接；每个分片的布局与在加速器上相同。</translation>
    </message>
    <message>
      <source>Use init_device_mesh("cpu", …).</source>
      <translation>请使用 init_device_mesh("cpu", …)。</translation>
    </message>
    <message>
      <source>{name}: dim {dim} has size {size} for {ranks} ranks, which does not divide evenly: the local shards hold {sizes}.</source>
      <translation>{name}：第 {dim} 维大小为 {size}，分给 {ranks} 个 rank 不能整除：各本地分片分别持有 {sizes}。</translation>
    </message>
    <message>
      <source>DTensor splits like torch.chunk: every rank gets ceil({size}/{ranks}) = {chunk} except the last ones, which get what is left (maybe nothing). A collective pads every shard to {chunk} (the padded dim is {padded}) and drops the padding afterwards.</source>
      <translation>DTensor 像 torch.chunk 一样切分：每个 rank 得到 ceil({size}/{ranks}) = {chunk}，最后的 rank 得到剩下的部分（可能为空）。集合通信会把每个分片填充到 {chunk}（填充后该维为 {padded}），之后再去掉填充。</translation>
    </message>
    <message>
      <source>Measured on this machine, CPU, one thread ({caches}); medians of {repeats} runs, results allocated beforehand.</source>
      <translation>在本机 CPU 上单线程测量（{caches}）；取 {repeats} 次运行的中位数，结果张量预先分配。</translation>
    </message>
    <message>
      <source>Measured on this machine, CPU, {threads} threads ({caches}); medians of {repeats} runs, results allocated beforehand.</source>
      <translation>在本机 CPU 上测量，{threads} 个线程（{caches}）；取 {repeats} 次运行的中位数，结果张量预先分配。</translation>
    </message>
    <message>
      <source>An empty tensor: the walk reads nothing.</source>
      <translation>空张量：遍历什么也不读。</translation>
    </message>
    <message>
      <source>cache sizes unknown</source>
      <translation>缓存大小未知</translation>
    </message>
    <message>
      <source>{op}: {x:.3g} ms vs {c:.3g} ms copying the contiguous copy ({ratio:.2f}×)</source>
      <translation>{op}：{x:.3g} ms，复制连续副本为 {c:.3g} ms（{ratio:.2f}×）</translation>
    </message>
    <message>
      <source>{op}: {x:.3g} ms vs {c:.3g} ms on x.contiguous() ({ratio:.2f}×)</source>
      <translation>{op}：{x:.3g} ms，在 x.contiguous() 上为 {c:.3g} ms（{ratio:.2f}×）</translation>
    </message>
    <message>
      <source>The walk jumps through storage: it leaves a cache line and comes back, {per} lines fetched per {k} elements — {ratio}× the fetches of a contiguous layout.</source>
      <translation>遍历在存储中跳跃：离开一条缓存行又回来，每 {k} 个元素取入 {per} 条缓存行——是连续布局取入次数的 {ratio}×。</translation>
    </message>
    <message>
      <source>{walked:,} iterations · {read:,} B read · {touched:,} distinct bytes</source>
      <translation>{walked:,} 次迭代 · 读取 {read:,} B · 不同的字节 {touched:,} 个</translation>
    </message>
    <message>
      <source>{lines:,} distinct {size}-byte cache lines touched</source>
      <translation>触及 {lines:,} 条不同的 {size} 字节缓存行</translation>
    </message>
    <message>
      <source>{fetched:,} cache lines fetched in walk order (contiguous: {contiguous:,})</source>
      <translation>按遍历顺序取入 {fetched:,} 条缓存行（连续布局：{contiguous:,}）</translation>
    </message>
    <message>
      <source>Stride 0 re-reads the same bytes: {touched:,} distinct cache lines where a contiguous copy has {contiguous:,}; the walk fetches {lines:,} ({ratio}×), and most ops still compute every element.</source>
      <translation>步长 0 反复读取同样的字节：只有 {touched:,} 条不同的缓存行，连续副本有 {contiguous:,} 条；遍历取入 {lines:,} 条（{ratio}×），而多数运算仍要计算每一个元素。</translation>
    </message>
    <message>
      <source>The walk reads storage in order: every cache line is fetched once, {per} line per {k} elements — the contiguous pattern.</source>
      <translation>遍历按顺序读取存储：每条缓存行只取入一次，每 {k} 个元素 {per} 条缓存行——这就是连续布局的模式。</translation>
    </message>
    <message>
      <source>Nearly in order: {ratio}× the line fetches of a contiguous layout ({per} lines per {k} elements).</source>
      <translation>几乎按顺序：缓存行取入次数是连续布局的 {ratio}×（每 {k} 个元素 {per} 条缓存行）。</translation>
    </message>
    <message>
      <source>The walk skips bytes: each cache line is fetched once, but only {used}% of its bytes are used — {per} lines per {k} elements, {ratio}× the fetches of a contiguous layout.</source>
      <translation>遍历跳过字节：每条缓存行只取入一次，但只用到其中 {used}% 的字节——每 {k} 个元素取入 {per} 条缓存行，是连续布局取入次数的 {ratio}×。</translation>
    </message>
    <message>
      <source>This layout: {op} {ratio:.1f}× the time on a contiguous copy — {numel:,} elements.</source>
      <translation>这个布局：{op} 用时是连续副本的 {ratio:.1f}×——{numel:,} 个元素。</translation>
    </message>
    <message>
      <source>the first {walked:,} of {numel:,} iterations</source>
      <translation>{numel:,} 次迭代中的前 {walked:,} 次</translation>
    </message>
    <message>
      <source>Not timed: {why}</source>
      <translation>不计时：{why}</translation>
    </message>
    <message>
      <source>Not timed: the worker's answer was invalid ({why})</source>
      <translation>不计时：工作进程的回答无效（{why}）</translation>
    </message>
    <message>
      <source>A meta tensor has no data: nothing to time (its walk is still exact).</source>
      <translation>meta 张量没有数据：没有可计时的东西（它的遍历仍是精确的）。</translation>
    </message>
    <message>
      <source>Timings run on the CPU; this tensor is on {device}.</source>
      <translation>计时只在 CPU 上进行；这个张量在 {device} 上。</translation>
    </message>
    <message>
      <source>{dtype} is not timed.</source>
      <translation>{dtype} 不计时。</translation>
    </message>
    <message>
      <source>Not timed: {numel:,} elements take microseconds, and the timer's noise would be the answer (timed from {min:,} elements).</source>
      <translation>不计时：{numel:,} 个元素只需几微秒，测出的只会是计时器的噪声（从 {min:,} 个元素起才计时）。</translation>
    </message>
    <message>
      <source>Not timed: it needs about {mib:,.0f} MiB, more than the worker's memory limit allows.</source>
      <translation>不计时：需要约 {mib:,.0f} MiB，超过了工作进程的内存限制。</translation>
    </message>
  </context>
</TS>
