/** Every element of the product in one module: `<room-join>`, `<video-call>`, `<loopback-demo>`. */
export { RoomJoin } from "./room-join/room-join.ts";
export { VideoCall } from "./video-call/video-call.ts";
export { LoopbackDemo } from "./loopback-demo/loopback-demo.ts";
