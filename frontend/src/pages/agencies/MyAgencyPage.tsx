import { Navigate } from 'react-router';

import { agencyPath } from '../../api/agencies';
import { useAuth } from '../../auth/AuthProvider';

/** 我的单位: the signed-in reviewer's own agency page (the route is only open to agency staff). */
export default function MyAgencyPage() {
  const { user } = useAuth();
  return <Navigate to={agencyPath(user?.agency_code ?? '')} replace />;
}
