#! title (en): 18 · channels_last: which tensor is really stored NHWC?
#! title (zh): 18 · channels_last：哪个张量真正按 NHWC 存储？
import torch
#: en: One image, 3 channels, 2×2 pixels, stored NCHW: shape (1, 3, 2, 2), stride (12, 4, 2, 1) — one channel after another.
#: zh: 一张图，3 个通道，2×2 像素，按 NCHW 存储：形状 (1, 3, 2, 2)，步长 (12, 4, 2, 1)——一个通道接一个通道。
x = torch.arange(12.).reshape(1, 3, 2, 2)
#: en: to(memory_format=torch.channels_last) copies into a new storage with channels innermost. The shape stays (1, 3, 2, 2); the stride becomes (12, 1, 6, 3). Contiguous only as channels_last: it prints False True.
#: zh: to(memory_format=torch.channels_last) 复制到新存储，通道放在最内层。形状仍是 (1, 3, 2, 2)；步长变为 (12, 1, 6, 3)。只有按 channels_last 才算连续：输出 False True。
cl = x.to(memory_format=torch.channels_last)
print(cl.is_contiguous(), cl.is_contiguous(memory_format=torch.channels_last))
#: en: permute(0, 2, 3, 1) of x is only a view: shape (1, 2, 2, 3), stride (12, 2, 1, 4). Its memory is still NCHW.
#: zh: x 的 permute(0, 2, 3, 1) 只是视图：形状 (1, 2, 2, 3)，步长 (12, 2, 1, 4)。它的内存仍然是 NCHW。
p = x.permute(0, 2, 3, 1)
#: en: contiguous() copies it NHWC: stride (12, 6, 3, 1). Its storage holds the same order as cl's — but its shape is (1, 2, 2, 3), so code that expects N, C, H, W reads the wrong dims. cl is NHWC in memory and NCHW in shape: that is what channels_last means.
#: zh: contiguous() 把它按 NHWC 复制：步长 (12, 6, 3, 1)。它的存储顺序和 cl 的一样——但形状是 (1, 2, 2, 3)，按 N、C、H、W 读取的代码会读错维度。cl 在内存中是 NHWC，形状却是 NCHW：这就是 channels_last 的含义。
pc = p.contiguous()
#: en: Predict: can cl be flattened with view(-1)? No: read in N, C, H, W order its strides (12, 1, 6, 3) do not merge into one.
#: zh: 先预测：cl 能用 view(-1) 展平吗？不能：按 N、C、H、W 的顺序读，它的步长 (12, 1, 6, 3) 无法合并成一个。
flat = cl.view(-1)  #! expect-error
#: en: reshape(-1) copies instead, in N, C, H, W order: a new storage, shape (12,), stride (1,).
#: zh: reshape(-1) 则会复制，按 N、C、H、W 的顺序：新的存储，形状 (12,)，步长 (1,)。
flat = cl.reshape(-1)
#: en: To flatten in memory order without a copy, permute cl to (N, H, W, C) first: that is a contiguous view, so view(-1) works on cl's own storage. It prints [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0].
#: zh: 想不复制、按内存顺序展平，就先把 cl permute 成 (N, H, W, C)：那是一个连续的视图，所以 view(-1) 直接作用在 cl 自己的存储上。输出 [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0]。
memory_order = cl.permute(0, 2, 3, 1).view(-1)
print(memory_order.tolist())
#: en: Elementwise ops keep the format: cl + 1 is channels_last too, stride (12, 1, 6, 3).
#: zh: 逐元素运算会保持格式：cl + 1 也是 channels_last，步长 (12, 1, 6, 3)。
plus = cl + 1
