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
      <source>hover or click a cell to see its address</source>
      <translation>悬停或点击一个单元查看它的地址</translation>
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
      <source>N{id} · NumPy memory: {names} · {nbytes} bytes</source>
      <translation>N{id} · NumPy 内存：{names} · {nbytes} 字节</translation>
    </message>
    <message>
      <source>Storage {label}: {names} · {dtype} · {n} elements · {nbytes} bytes</source>
      <translation>存储 {label}：{names} · {dtype} · {n} 个元素 · {nbytes} 字节</translation>
    </message>
    <message>
      <source>Storage {label}</source>
      <translation>存储 {label}</translation>
    </message>
    <message>
      <source>{dtype} · {itemsize} B/element · {cells} elements · {nbytes} bytes</source>
      <translation>{dtype} · 每个元素 {itemsize} 字节 · {cells} 个元素 · {nbytes} 字节</translation>
    </message>
    <message>
      <source>written this step</source>
      <translation>本步被写入</translation>
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
      <source>copy of {source} — new storage {storage}</source>
      <translation>{source} 的副本——新存储 {storage}</translation>
    </message>
    <message>
      <source>{name}: NumPy strides {bytes} bytes = stride {elements} × {size} B</source>
      <translation>{name}：NumPy 步长 {bytes} 字节 = 步长 {elements} × {size} 字节</translation>
    </message>
    <message>
      <source>+{step} (dim {dim})</source>
      <translation>+{step}（第 {dim} 维）</translation>
    </message>
    <message>
      <source>0-D tensor (a scalar): one cell, no dimensions</source>
      <translation>0 维张量（标量）：一个单元，没有维度</translation>
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
      <source>… {n} more cells ({first}–{last}) …</source>
      <translation>… 另有 {n} 个单元（下标 {first}–{last}）…</translation>
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
      <source>shares it with {names}</source>
      <translation>与 {names} 共享</translation>
    </message>
    <message>
      <source>{what} {a}–{b} … {c}–{d} of {n:,} shown</source>
      <translation>显示第 {a}–{b} … {c}–{d} {what}，共 {n:,} {what}</translation>
    </message>
    <message>
      <source>also on it: {names}</source>
      <translation>同一存储上还有：{names}</translation>
    </message>
    <message>
      <source>+{n} more storages: {names}</source>
      <translation>另有 {n} 块存储：{names}</translation>
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
  </context>
</TS>
