/** The small HTML fragment `<room-join>` swaps in: how many are in a room now. */
export function OccupancyFragment({ room, count, capacity }: { room: string; count: number; capacity: number }) {
  const text =
    count === 0 ? "Nobody here yet: you will open the room." : count >= capacity ? `Full: ${count} of ${capacity} here.` : `${count} of ${capacity} here.`;
  return (
    <output class="occupancy" data-room={room} data-count={String(count)} data-capacity={String(capacity)}>
      {text}
    </output>
  );
}
