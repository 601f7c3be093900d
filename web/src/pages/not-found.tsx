import { Link } from '../components/link';
import { Empty } from '../components/states';

/** An address the dashboard does not have. */
export function NotFound() {
  return (
    <Empty title="There is no such page">
      <Link to="/">Go to the overview</Link>
    </Empty>
  );
}
