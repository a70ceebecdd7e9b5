#! title (en): 18 · channels_last: which tensor is really stored NHWC?
#! title (zh): 18 · channels_last：哪个张量真正按 NHWC 存储？
import torch
#: en: One image, 3 channels, 2×2 pixels, stored NCHW: shape (1, 3, 2, 2), stride (12, 4, 2, 1) — one channel after another.
#: zh: 一张图，3 个通道，2×2 像素，按 NCHW 存储：形状 (1, 3, 2, 2)，步长 (12, 4, 2, 1)——一个通道接一个通道。
x = torch.arange(12.).reshape(1, 3, 2, 2)
#: en: to(memory_format=torch.channels_last) copies into a new storage with channels innermost. The shape stays (1, 3, 2, 2); the stride becomes (12, 1, 6, 3).
#: zh: to(memory_format=torch.channels_last) 复制到新存储，通道放在最内层。形状仍是 (1, 3, 2, 2)；步长变为 (12, 1, 6, 3)。
cl = x.to(memory_format=torch.channels_last)
#: en: Not contiguous in the usual sense, but contiguous as channels_last: it prints False True.
#: zh: 按通常的意义不连续，但按 channels_last 是连续的：输出 False True。
print(cl.is_contiguous(), cl.is_contiguous(memory_format=torch.channels_last))
#: en: The storage in memory order: the 3 channel values of pixel 0, then of pixel 1, … It prints [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0].
#: zh: 按内存顺序看存储：先是像素 0 的 3 个通道值，再是像素 1 的……输出 [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0]。
print(cl.as_strided((12,), (1,)).tolist())
#: en: permute(0, 2, 3, 1) is only a view: shape (1, 2, 2, 3), stride (12, 2, 1, 4). The memory is still NCHW.
#: zh: permute(0, 2, 3, 1) 只是视图：形状 (1, 2, 2, 3)，步长 (12, 2, 1, 4)。内存仍然是 NCHW。
p = x.permute(0, 2, 3, 1)
#: en: contiguous() copies it NHWC: stride (12, 6, 3, 1). Stored like cl — but its shape is (1, 2, 2, 3), so code that expects N, C, H, W reads the wrong dims.
#: zh: contiguous() 把它按 NHWC 复制：步长 (12, 6, 3, 1)。和 cl 的存储一样——但形状是 (1, 2, 2, 3)，按 N、C、H、W 读取的代码会读错维度。
pc = p.contiguous()
#: en: Permuting back gives cl's layout as a view: shape (1, 3, 2, 2), stride (12, 1, 6, 3). It prints True True.
#: zh: 再 permute 回来，就以视图的形式得到 cl 的布局：形状 (1, 3, 2, 2)，步长 (12, 1, 6, 3)。输出 True True。
back = pc.permute(0, 3, 1, 2)
print(torch.equal(back, cl), back.is_contiguous(memory_format=torch.channels_last))
